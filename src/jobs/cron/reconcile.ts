// Reconciliation (cron): closes webhook gaps. Searches deals modified since its watermark (newest first), and for each
// whose stage differs from the engine's last-known state replays its latest stage change (from HubSpot's property
// history) through enforcement — the same idempotent path a webhook takes, so a late webhook for it creates nothing
// twice. It never judges a change older than the engine's installation or the last reconciled point, and its calls
// go through the shared rate budget like every other run's.
import { enforceDealEvents, type EnforceDeps } from "../../enforcement";
import type { Config, Env } from "../../env";
import { openBudgetedClient } from "../../hubspot/budget";
import { readDeals, searchModifiedDeals, type DealRecord } from "../../hubspot/deals";
import type { HubSpotEvent } from "../../hubspot/events";
import type { Result } from "../../result";
import { getDealStates } from "../../store/deal-state";
import { advanceWatermark, getReconcileState } from "../../store/reconcile-state";

/** The search index lags writes by seconds: the watermark stays this far behind the run, and the search looks back
 *  this far before the watermark (deals whose change is older than the watermark are then left alone). */
export const SEARCH_LAG_MS = 60_000;
/** Pages of 200 per run (newest first). A burst bigger than this leaves the watermark where it was for the next run. */
export const RECONCILE_MAX_PAGES = 10;
/** Calls reserved up front: the search pages and a read per 50 deals are charged as they happen beyond it. */
const RECONCILE_ESTIMATE = 3;

export interface ReconcileResult {
  checked: number;
  replayed: number;
  /** Stage changes left alone because they are older than the installation or the watermark. */
  tooOld: number;
  /** The watermark after the run (epoch ms). */
  watermark: number;
}

/** Never throws for HubSpot trouble: returns what it did, or an error string (the next run tries again). */
export async function reconcileRecentDeals(
  env: Env,
  config: Config,
  now: number,
  extra: Pick<EnforceDeps, "policyFiles" | "portalProperties"> = {},
): Promise<Result<ReconcileResult, string>> {
  const portalId = config.HUBSPOT_PORTAL_ID ?? "default";
  const state = await getReconcileState(env.DB, portalId, now);
  const since = Math.max(state.installedAt, state.watermark);
  const budget = await openBudgetedClient({ db: env.DB, accessToken: config.HUBSPOT_ACCESS_TOKEN, basePath: config.HUBSPOT_BASE_URL, estimate: RECONCILE_ESTIMATE, now });
  if (!budget.ok) return { ok: false, error: budget.error.error };
  const found = await findModified(budget.value.client, since - SEARCH_LAG_MS);
  if (!found.ok) return { ok: false, error: (await budget.value.fail(found.error)).error };
  const ids = found.value.ids;
  const reads = ids.length === 0 ? null : await readDeals(budget.value.client, ids, ["dealstage", "pipeline"], ["dealstage"]);
  if (reads !== null && !reads.ok) return { ok: false, error: (await budget.value.fail(reads.error)).error };
  await budget.value.close();
  // Complete: everything modified up to a minute ago is reconciled. Cut short: the older deals wait for the next run.
  const watermark = found.value.complete ? Math.max(since, now - SEARCH_LAG_MS) : since;
  if (reads === null) {
    await advanceWatermark(env.DB, portalId, watermark, now);
    return { ok: true, value: { checked: 0, replayed: 0, tooOld: 0, watermark } };
  }
  const states = await getDealStates(env.DB, ids);
  const events: HubSpotEvent[] = [];
  let tooOld = 0;
  for (const [id, deal] of reads.value.found) {
    const known = states.get(id);
    const stage = deal.properties.dealstage ?? null;
    if (known !== undefined && known.status === "active" && known.stageId === stage) continue;
    const entry = latestStageEntry(deal);
    if (entry === undefined || entry.value !== stage) continue;
    if (entry.timestamp <= since) {
      tooOld++;
      continue;
    }
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
  if (events.length > 0) {
    const outcome = await enforceDealEvents(events, { env, config, now: () => now, ...extra });
    if (!outcome.ok) return { ok: false, error: outcome.error };
  }
  await advanceWatermark(env.DB, portalId, watermark, now);
  return { ok: true, value: { checked: ids.length, replayed: events.length, tooOld, watermark } };
}

function latestStageEntry(deal: DealRecord) {
  return deal.history.dealstage?.at(-1);
}

/** Deals modified since `sinceMs`, newest first, up to RECONCILE_MAX_PAGES pages; `complete` when none were left. */
async function findModified(client: Parameters<typeof searchModifiedDeals>[0], sinceMs: number) {
  const ids: string[] = [];
  let after: string | undefined;
  for (let page = 0; page < RECONCILE_MAX_PAGES; page++) {
    const found = await searchModifiedDeals(client, sinceMs, after);
    if (!found.ok) return found;
    ids.push(...found.value.ids);
    if (found.value.after === null) return { ok: true as const, value: { ids, complete: true } };
    after = found.value.after;
  }
  return { ok: true as const, value: { ids, complete: false } };
}

/** The cron entry: runs one reconciliation and rejects with the reason when it failed (the cron reports it). */
export async function runReconciliation(env: Env, config: Config, now: number): Promise<ReconcileResult> {
  const result = await reconcileRecentDeals(env, config, now);
  if (!result.ok) throw new Error(`reconciliation failed: ${result.error}`);
  return result.value;
}
