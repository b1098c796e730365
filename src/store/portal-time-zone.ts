// The portal's time zone, cached in portal_metadata (key 'account') with where it came from: HubSpot's account info,
// or the UTC fallback (and why) when it couldn't be read. fetched_at drives the daily refresh.
export type TimeZoneSource = "hubspot" | "fallback";

export interface CachedTimeZone {
  timeZone: string;
  source: TimeZoneSource;
  /** Why the fallback is in use (HubSpot's error, or a zone this runtime doesn't know). */
  reason: string | null;
  fetchedAt: number;
}

const KEY = "account";

/** The cached zone, or null when none was ever stored (or the row is unreadable). Throws only for D1. */
export async function readCachedTimeZone(db: D1Database): Promise<CachedTimeZone | null> {
  const row = await db.prepare("SELECT value, fetched_at FROM portal_metadata WHERE key = ?").bind(KEY).first<{ value: string; fetched_at: number }>();
  if (row === null) return null;
  try {
    const v = JSON.parse(row.value) as { timeZone?: unknown; source?: unknown; reason?: unknown };
    if (typeof v.timeZone !== "string") return null;
    return { timeZone: v.timeZone, source: v.source === "hubspot" ? "hubspot" : "fallback", reason: typeof v.reason === "string" ? v.reason : null, fetchedAt: row.fetched_at };
  } catch (err) {
    console.warn("portal_metadata 'account' unreadable", err);
    return null;
  }
}

/** Stores the zone and its source; the row's fetched_at is `at`. Throws only for D1. */
export async function writeCachedTimeZone(db: D1Database, zone: Omit<CachedTimeZone, "fetchedAt">, at: number): Promise<void> {
  await db
    .prepare("INSERT INTO portal_metadata (key, value, fetched_at) VALUES (?,?,?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, fetched_at = excluded.fetched_at")
    .bind(KEY, JSON.stringify(zone), at)
    .run();
}
