// The portal's time zone for a run: from the D1 cache, refreshed from HubSpot's account info once a day. Never fails a
// run: when HubSpot can't say (an error, a missing scope, a zone this runtime doesn't know) the last known zone is
// kept, or UTC — the stated fallback — is used and the reason cached, retried after an hour.
import { fetchAccountDetails } from "../hubspot/account-info";
import type { HubSpotClient } from "../hubspot/client";
import { describeError } from "../hubspot/errors";
import { FALLBACK_TIME_ZONE, isKnownTimeZone } from "../policy";
import { readCachedTimeZone, writeCachedTimeZone, type CachedTimeZone } from "../store/portal-time-zone";

/** HubSpot's answer is kept a day (an admin rarely changes the account's zone). */
export const TIME_ZONE_TTL_MS = 24 * 3600_000;
/** A fallback is retried sooner. */
export const TIME_ZONE_RETRY_MS = 3600_000;

export interface PortalTimeZone {
  timeZone: string;
  source: CachedTimeZone["source"];
  reason: string | null;
}

function isFresh(cached: CachedTimeZone, now: number): boolean {
  const age = now - cached.fetchedAt;
  return age >= 0 && age < (cached.source === "hubspot" ? TIME_ZONE_TTL_MS : TIME_ZONE_RETRY_MS);
}

/** The zone to use now (cached, or read from HubSpot and cached). Throws only for D1. */
export async function loadPortalTimeZone(db: D1Database, client: HubSpotClient, now: number): Promise<PortalTimeZone> {
  const cached = await readCachedTimeZone(db);
  if (cached !== null && isFresh(cached, now)) return { timeZone: cached.timeZone, source: cached.source, reason: cached.reason };
  const fetched = await fetchAccountDetails(client);
  let zone: PortalTimeZone;
  if (fetched.ok && isKnownTimeZone(fetched.value.timeZone)) {
    zone = { timeZone: fetched.value.timeZone, source: "hubspot", reason: null };
  } else {
    const reason = fetched.ok ? `HubSpot's time zone "${fetched.value.timeZone}" is unknown to this runtime` : `account info unavailable: ${describeError(fetched.error)}`;
    // A zone HubSpot gave earlier (kept in a fallback row too) beats UTC; HubSpot is asked again in an hour.
    zone = { timeZone: cached !== null && isKnownTimeZone(cached.timeZone) ? cached.timeZone : FALLBACK_TIME_ZONE, source: "fallback", reason };
    console.warn(`portal time zone: using ${zone.timeZone} (${reason})`);
    await writeCachedTimeZone(db, zone, now);
    return zone;
  }
  await writeCachedTimeZone(db, zone, now);
  return zone;
}
