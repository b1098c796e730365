// engine_writes: what the engine itself just wrote to HubSpot, so its echoes can be cross-checked.
import { deterministicId } from "./ids";
import { rowsForDeals } from "./rows-for-deals";

/** How long an echo is expected after a write (HubSpot delivers within seconds; retries can take longer). */
export const ECHO_WINDOW_MS = 6 * 3600_000;

export function recordEngineWriteStatements(
  db: D1Database,
  writes: Array<{ dealId: string; property: string; value: string | null; violationId: string }>,
  now: number,
): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [];
  for (const w of writes) {
    const id = deterministicId(w.dealId, w.property, w.value, w.violationId);
    out.push(
      db
        .prepare("INSERT OR IGNORE INTO engine_writes (id, deal_id, property, value, written_at, expires_at) VALUES (?,?,?,?,?,?)")
        .bind(id, w.dealId, w.property, w.value, now, now + ECHO_WINDOW_MS),
    );
  }
  return out;
}

/** Key "dealId|property|value" → when the engine wrote it (epoch ms), for writes still inside the echo window. */
export type EngineWriteTimes = Map<string, number[]>;

/** The engine writes still inside the echo window for these deals, by "dealId|property|value". */
export async function listEngineWrites(db: D1Database, dealIds: string[], now: number): Promise<EngineWriteTimes> {
  const out: EngineWriteTimes = new Map();
  const rows = await rowsForDeals<{ deal_id: string; property: string; value: string | null; written_at: number }>(db, dealIds, (ids, marks) =>
    db.prepare(`SELECT deal_id, property, value, written_at FROM engine_writes WHERE expires_at > ? AND deal_id IN (${marks})`).bind(now, ...ids),
  );
  for (const r of rows) {
    const key = `${r.deal_id}|${r.property}|${r.value ?? ""}`;
    out.set(key, [...(out.get(key) ?? []), r.written_at]);
  }
  return out;
}

/** Deletes engine writes whose echo window has passed (the cron); resolves to how many rows went. */
export async function pruneEngineWrites(db: D1Database, now: number): Promise<number> {
  const result = await db.prepare("DELETE FROM engine_writes WHERE expires_at < ?").bind(now).run();
  return result.meta.changes;
}
