// Reconciliation (cron): closes webhook gaps. Searches deals modified recently, and for each whose stage differs
// from the engine's last-known state replays its latest stage change (from HubSpot's property history) through
// enforcement — the same idempotent path a webhook takes, so a late webhook for it creates nothing twice.
import { enforceDealEvents, type EnforceDeps } from "../enforcement";
import type { Config, Env } from "../env";
import { createHubSpotClient } from "../hubspot/client";
import { readDeals, searchModifiedDeals } from "../hubspot/deals";
import { describeError } from "../hubspot/errors";
import type { HubSpotEvent } from "../hubspot/events";
import type { Result } from "../result";
import { getDealStates } from "../store/deal-state";

/** Looks back a little further than the cron interval (15 min), so consecutive runs overlap. */
export const RECONCILE_WINDOW_MS = 30 * 60_000;
/** Pages of 100 per run: a burst bigger than this is checked by the next runs' overlapping windows only in part. */
export const RECONCILE_MAX_PAGES = 10;

export interface ReconcileResult {
  checked: number;
  replayed: number;
}

/** Never throws for HubSpot trouble: returns what it did, or an error string (the next run tries again). */
export async function reconcileRecentDeals(
  env: Env,
  config: Config,
  now: number,
  extra: Pick<EnforceDeps, "policyFiles" | "portalProperties"> = {},
): Promise<Result<ReconcileResult, string>> {
  // Its own reads are few (a search page or ten, one batch read); the replay goes through the budgeted client.
  const client = createHubSpotClient({ accessToken: config.HUBSPOT_ACCESS_TOKEN, basePath: config.HUBSPOT_BASE_URL });
  const ids: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < RECONCILE_MAX_PAGES; page++) {
    const found = await searchModifiedDeals(client, now - RECONCILE_WINDOW_MS, after);
    if (!found.ok) return { ok: false, error: describeError(found.error) };
    ids.push(...found.value.ids);
    if (found.value.after === null) break;
    after = found.value.after;
  }
  if (ids.length === 0) return { ok: true, value: { checked: 0, replayed: 0 } };
  const reads = await readDeals(client, ids, ["dealstage", "pipeline"], ["dealstage"]);
  if (!reads.ok) return { ok: false, error: describeError(reads.error) };
  const states = await getDealStates(env.DB, ids);
  const events: HubSpotEvent[] = [];
  for (const [id, deal] of reads.value.found) {
    const state = states.get(id);
    const stage = deal.properties.dealstage ?? null;
    if (state !== undefined && state.status === "active" && state.stageId === stage) continue;
    const entry = deal.history.dealstage?.at(-1);
    if (entry === undefined || entry.value !== stage) continue;
    events.push({
      eventId: `reconcile-${id}-${entry.timestamp}`,
      subscriptionId: "reconcile",
      portalId: config.HUBSPOT_PORTAL_ID ?? "0",
      appId: config.HUBSPOT_APP_ID,
      occurredAt: entry.timestamp,
      subscriptionType: "deal.propertyChange",
      attemptNumber: 0,
      objectId: id,
      objectTypeId: "0-3",
      propertyName: "dealstage",
      propertyValue: entry.value,
      changeSource: entry.sourceType,
      sourceId: entry.sourceId ?? (entry.updatedByUserId === null ? null : `userId:${entry.updatedByUserId}`),
      changeFlag: null,
      primaryObjectId: null,
      mergedObjectIds: [],
      newObjectId: null,
      associationType: null,
      fromObjectId: null,
      toObjectId: null,
      associationRemoved: null,
    });
  }
  if (events.length === 0) return { ok: true, value: { checked: ids.length, replayed: 0 } };
  const outcome = await enforceDealEvents(events, { env, config, now: () => now, ...extra });
  if (!outcome.ok) return { ok: false, error: outcome.error };
  return { ok: true, value: { checked: ids.length, replayed: events.length } };
}

/** The cron entry: runs one reconciliation and rejects with the reason when it failed (the cron reports it). */
export async function runReconciliation(env: Env, config: Config, now: number): Promise<ReconcileResult> {
  const result = await reconcileRecentDeals(env, config, now);
  if (!result.ok) throw new Error(`reconciliation failed: ${result.error}`);
  return result.value;
}
