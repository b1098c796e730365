// The scheduled scan: evaluates the `scan` rules over every open deal, a page at a time from a cursor in D1, through
// the webhook path's own steps — read (read-scan.ts) → evaluate → plan (plan-scan.ts) → apply → record — so a rule is
// flagged once per deal while it stands, its task created once, and the violation resolved (its task completed) when
// a later scan or a change to the deal finds the deal compliant. Each page first reserves its calls in the shared rate
// budget: a refusal or a HubSpot failure ends the run and the next one resumes from the cursor. Never sleeps.
import type { Config, Env } from "../env";
import { BATCH_HISTORY_READ_LIMIT, SEARCH_PAGE_LIMIT } from "../hubspot/deals";
import type { HubSpotCall } from "../hubspot/client";
import { openBudgetedClient } from "../hubspot/budget";
import type { PolicyFile, PortalProperty } from "../policy";
import { claimScan, releaseScan, saveScanProgress, type ScanState } from "../store/scan-state";
import { applyPlan, lastReadOf } from "./apply";
import { evaluateSnapshot } from "./evaluate";
import { planOptions } from "./plan";
import { planScan } from "./plan-scan";
import { readSettings } from "./read";
import { readScanPage } from "./read-scan";
import { recordRun } from "./record";

/** Pages per run by default: 2 × 200 deals ≈ 10 calls each 15 minutes, well inside the shared budget. */
export const SCAN_PAGES_PER_RUN = 2;
/** A run that died keeps the lease this long; the next cron tick after it takes over. */
const LEASE_MS = 10 * 60_000;

export interface ScanDeps {
  env: Env;
  config: Config;
  /** The scan's time (the cron's scheduledTime): what "now" means to the rules (close dates, days in stage). */
  now: number;
  maxPages?: number;
  pageSize?: number;
  policyFiles?: PolicyFile[];
  portalProperties?: PortalProperty[];
  onHubSpotCall?: (call: HubSpotCall) => void;
}

export interface ScanReport {
  pages: number;
  /** Open deals evaluated in this run. */
  scanned: number;
  /** Violations recorded for the first time. */
  violations: number;
  resolved: number;
  tasksCreated: number;
  /** HubSpot calls made. */
  calls: number;
  /** This run finished a pass over every open deal (the next run starts over). */
  passComplete: boolean;
  /** The last deal id done ("" after a complete pass). */
  cursor: string;
  /** Why the run stopped before its pages were done (budget refused, HubSpot failed, another scan running). */
  stopped: string | null;
  retryAfterSeconds?: number;
}

/** Runs up to `maxPages` pages of the scan. Throws only for D1; HubSpot trouble and bad policies end up in `stopped`. */
export async function scanOpenDeals(deps: ScanDeps): Promise<ScanReport> {
  const { env, config, now } = deps;
  const portalId = config.HUBSPOT_PORTAL_ID ?? "default";
  const report: ScanReport = { pages: 0, scanned: 0, violations: 0, resolved: 0, tasksCreated: 0, calls: 0, passComplete: false, cursor: "", stopped: null };
  const claimed = await claimScan(env.DB, portalId, now, now + LEASE_MS);
  if (claimed === null) return { ...report, stopped: "another scan is running" };
  let state: ScanState = claimed;
  try {
    for (let page = 0; page < (deps.maxPages ?? SCAN_PAGES_PER_RUN) && report.stopped === null && !report.passComplete; page++) {
      state = await scanPage(deps, portalId, state, report);
    }
  } finally {
    await releaseScan(env.DB, portalId, now);
  }
  report.cursor = state.cursor;
  return report;
}

/** One page: reserve → read → evaluate → plan → apply → record → move the cursor. Returns the new state. */
async function scanPage(deps: ScanDeps, portalId: string, state: ScanState, report: ScanReport): Promise<ScanState> {
  const { env, config, now } = deps;
  const pageSize = Math.min(deps.pageSize ?? SEARCH_PAGE_LIMIT, SEARCH_PAGE_LIMIT);
  // The search, a history read per 50 deals, and one more for a task batch or a metadata refresh.
  const estimate = 2 + Math.ceil(pageSize / BATCH_HISTORY_READ_LIMIT);
  const budget = await openBudgetedClient({ db: env.DB, accessToken: config.HUBSPOT_ACCESS_TOKEN, basePath: config.HUBSPOT_BASE_URL, estimate, now, maxInlineWaitMs: 0, onCall: (call) => { report.calls++; deps.onHubSpotCall?.(call); } });
  if (!budget.ok) {
    report.stopped = budget.error.error;
    if (budget.error.retryAfterSeconds !== undefined) report.retryAfterSeconds = budget.error.retryAfterSeconds;
    return state;
  }
  const ctx = { db: env.DB, client: budget.value.client, now, clock: () => Date.now(), ...readSettings(config, deps), portalId, pageSize };
  const read = await readScanPage(ctx, state.cursor);
  if (!read.ok) {
    const failure = read.error;
    if (failure.kind === "policy") {
      await budget.value.close();
      report.stopped = failure.message;
    } else {
      const refusal = await budget.value.fail(failure.error);
      report.stopped = refusal.error;
      if (refusal.retryAfterSeconds !== undefined) report.retryAfterSeconds = refusal.retryAfterSeconds;
    }
    return state;
  }
  const { snapshot, ids, more } = read.value;
  if (snapshot.live === null) {
    // No open deal left after the cursor: nothing to judge, plan or write — the pass is complete.
    await budget.value.close();
    return finishPage(env.DB, portalId, state, ids, more, now, report);
  }
  const plan = planScan(snapshot, evaluateSnapshot(snapshot.live, { modeOverride: config.POLICY_MODE_OVERRIDE }), planOptions(config, now));
  const applied = await applyPlan({ db: env.DB, client: budget.value.client, now, clock: ctx.clock, lastRead: lastReadOf(snapshot) }, plan);
  await recordRun(env.DB, plan, applied, now);
  if (applied.failure !== null) {
    // The page is done again next run: its findings are the standing violations by then, their pending tasks retried.
    const refusal = await budget.value.fail(applied.failure);
    report.stopped = refusal.error;
    if (refusal.retryAfterSeconds !== undefined) report.retryAfterSeconds = refusal.retryAfterSeconds;
    return state;
  }
  await budget.value.close();
  report.scanned += snapshot.live.deals.length;
  report.violations += plan.violations.filter((v) => v.insert !== null).length;
  report.resolved += new Set(plan.resolutions.map((r) => r.id)).size;
  report.tasksCreated += applied.tasksCreated;
  return finishPage(env.DB, portalId, state, ids, more, now, report);
}

/** Counts the page and moves the cursor past it (or records the finished pass). */
async function finishPage(db: D1Database, portalId: string, state: ScanState, ids: string[], more: boolean, now: number, report: ScanReport): Promise<ScanState> {
  const next = nextState(state, ids, more, now);
  report.pages++;
  report.passComplete = !more;
  await saveScanProgress(db, portalId, next, now);
  return next;
}

/** The pass after a page: the cursor on its last id, or — when HubSpot has no more — the pass recorded and reset. */
function nextState(state: ScanState, ids: string[], more: boolean, now: number): ScanState {
  const passStartedAt = state.passStartedAt ?? now;
  const passScanned = state.passScanned + ids.length;
  if (more) return { ...state, cursor: ids.at(-1) ?? state.cursor, passStartedAt, passScanned };
  return { cursor: "", passStartedAt: null, passScanned: 0, lastPassAt: now, lastPassScanned: passScanned };
}
