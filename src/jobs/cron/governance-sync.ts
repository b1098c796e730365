// Backfill and repair of the governance properties: page by page (a cursor in D1, so a stopped run resumes), every
// deal with an open violation or with values written before gets its values recomputed from D1 and compared with
// HubSpot's (one batch read per 100); what differs is written back (one batch update per 100) and a value someone
// edited by hand is recorded as repaired. Runs inside the shared rate budget. Used by the cron (a few pages per run,
// rotating through every deal) and by `npm run ops -- sync-governance-properties`.
import type { Config } from "../../env";
import { computeGovernanceValues, governanceChanged, GOVERNANCE_PROPERTY_NAMES, sameGovernanceValue, toHubSpotProperties, type GovernanceValues } from "../../governance";
import { openBudgetedClient } from "../../hubspot/budget";
import { readGovernanceProperties, writeGovernanceProperties } from "../../hubspot/governance-properties";
import type { HubSpotClient } from "../../hubspot/client";
import type { Result } from "../../result";
import { governancePortalKey } from "../../enforcement/read-governance";
import { recordEngineWriteStatements } from "../../store/engine-writes";
import {
  getGovernanceCursor,
  getInstallState,
  listGovernanceDealsPage,
  listGovernanceFacts,
  listWrittenGovernance,
  recordRepairStatements,
  saveWrittenGovernanceStatements,
  setGovernanceCursorStatement,
  type GovernanceRepair,
} from "../../store/governance";

export const SYNC_PAGE_SIZE = 100;
/** Pages per cron run: ≤ 2 calls each, so a few hundred deals per 15 minutes without crowding enforcement. */
export const CRON_SYNC_PAGES = 5;

export interface SyncOptions {
  job: "sync" | "cron";
  maxPages: number;
  now: number;
  /** Start over instead of resuming after the stored cursor. */
  restart?: boolean;
}

export interface SyncReport {
  checked: number;
  written: number;
  repaired: GovernanceRepair[];
  /** Every deal has been looked at (the cursor wrapped to the start). */
  complete: boolean;
  retryAfterSeconds?: number;
}

/** Never throws for HubSpot trouble: what it did, or why it stopped (the next run resumes from the cursor). Throws only for D1. */
export async function syncGovernance(db: D1Database, config: Pick<Config, "HUBSPOT_ACCESS_TOKEN" | "HUBSPOT_BASE_URL">, o: SyncOptions): Promise<Result<SyncReport, string>> {
  const budget = await openBudgetedClient({ db, accessToken: config.HUBSPOT_ACCESS_TOKEN, basePath: config.HUBSPOT_BASE_URL, estimate: 2, now: o.now });
  if (!budget.ok) return { ok: false, error: `${budget.error.error}${budget.error.retryAfterSeconds === undefined ? "" : ` (retry in ${budget.error.retryAfterSeconds} s)`}` };
  const report: SyncReport = { checked: 0, written: 0, repaired: [], complete: false };
  let after = o.restart === true ? "" : await getGovernanceCursor(db, o.job);
  for (let page = 0; page < o.maxPages; page++) {
    const ids = await listGovernanceDealsPage(db, after, SYNC_PAGE_SIZE);
    if (ids.length === 0) {
      report.complete = true;
      after = "";
      await setGovernanceCursorStatement(db, o.job, after, o.now).run();
      break;
    }
    const done = await syncPage(db, budget.value.client, ids, o);
    if (!done.ok) {
      const refusal = await budget.value.fail(done.error);
      return { ok: false, error: refusal.error + (refusal.retryAfterSeconds === undefined ? "" : ` (retry in ${refusal.retryAfterSeconds} s)`) };
    }
    report.checked += ids.length;
    report.written += done.value.written;
    report.repaired.push(...done.value.repaired);
    after = ids.at(-1) ?? after;
    await setGovernanceCursorStatement(db, o.job, after, o.now).run();
  }
  await budget.value.close();
  return { ok: true, value: report };
}

async function syncPage(db: D1Database, client: HubSpotClient, ids: string[], o: SyncOptions) {
  const [facts, written] = await Promise.all([listGovernanceFacts(db, ids), listWrittenGovernance(db, ids)]);
  const current = await readGovernanceProperties(client, ids);
  if (!current.ok) return current;
  const writes: Array<{ dealId: string; values: GovernanceValues; properties: Record<string, string> }> = [];
  const repairs: GovernanceRepair[] = [];
  for (const id of ids) {
    const inHubSpot = current.value.get(id);
    if (inHubSpot === undefined) continue; // deleted or merged away: nothing to show a manager
    const before = written.get(id);
    const dealFacts = facts.get(id) ?? { open: [], latest: null, excepted: false };
    // Only a run's evaluation knows an exception: keep the one written while nothing else changed.
    const computed = computeGovernanceValues({ ...dealFacts, excepted: before?.status === "exception" }, o.now);
    const values = before !== undefined && !governanceChanged(before, computed) ? before : computed;
    const wanted = toHubSpotProperties(values);
    const differs = GOVERNANCE_PROPERTY_NAMES.filter((name) => !sameGovernanceValue(name, inHubSpot[name], wanted[name]));
    if (differs.length === 0 && values === before) continue;
    writes.push({ dealId: id, values, properties: wanted });
    // A value that is neither what the engine last wrote (nothing, if it never wrote) nor what it wants now was
    // edited by someone else.
    const wrote: Record<string, string> = before === undefined ? {} : toHubSpotProperties(before);
    for (const name of differs) {
      if (!sameGovernanceValue(name, inHubSpot[name], wrote[name])) repairs.push({ dealId: id, property: name, foundValue: inHubSpot[name] ?? null, restoredValue: wanted[name] ?? null, foundBy: o.job });
    }
  }
  if (writes.length === 0) return { ok: true as const, value: { written: 0, repaired: [] } };
  await db.batch(recordEngineWriteStatements(db, writes.flatMap((w) => Object.entries(w.properties).map(([property, value]) => ({ dealId: w.dealId, property, value, violationId: "governance" }))), o.now));
  const answer = await writeGovernanceProperties(client, writes.map((w) => ({ dealId: w.dealId, properties: w.properties })));
  if (!answer.ok) return answer;
  const ok = new Set(answer.value.written);
  for (const r of answer.value.refused) console.warn(`governance sync: deal ${r.dealId} not written: ${r.error}`);
  const landed = repairs.filter((r) => ok.has(r.dealId));
  await db.batch([
    ...saveWrittenGovernanceStatements(db, writes.filter((w) => ok.has(w.dealId)), o.now),
    ...recordRepairStatements(db, landed, o.now),
  ]);
  return { ok: true as const, value: { written: ok.size, repaired: landed } };
}

/** The cron entry: a few pages of the rotating repair; rejects with the reason when it stopped (the cron reports it). */
export async function runGovernanceRepair(db: D1Database, config: Config, now: number): Promise<SyncReport> {
  // Until enforcement (or install-properties) has created the properties there is nothing to repair.
  if ((await getInstallState(db, governancePortalKey(config)))?.status !== "installed") return { checked: 0, written: 0, repaired: [], complete: false };
  const result = await syncGovernance(db, config, { job: "cron", maxPages: CRON_SYNC_PAGES, now });
  if (!result.ok) throw new Error(`governance repair stopped: ${result.error}`);
  return result.value;
}

