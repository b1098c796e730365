// The cron's jobs (inbox retention, engine-write pruning, reconciliation, the rule scan, native drift, the pending sweep, dead-letter
// replays, settling planned writes, governance-property repair), run side by side; one failing job neither stops the others nor goes unreported.
// Add a job to `cronJobs`.
import type { Config, Env } from "../../env";
import { createHubSpotClient } from "../../hubspot/client";
import { pruneEngineWrites } from "../../store/engine-writes";
import { checkNativeDrift } from "./native-drift";
import { runGovernanceRepair } from "./governance-sync";
import { runReconciliation } from "./reconcile";
import { enforceInboxRetention, enforceJudgedChangesRetention, enforceRefusedRetention } from "./retention";
import { runRuleScan } from "./scan-rules";
import { settlePlannedWrites } from "./settle-planned";
import { replayRequestedDeadLetters, sweepPendingInbox } from "./sweep-pending";

export interface ScheduledJob {
  name: string;
  run: () => Promise<unknown>;
}

/** Runs every job; throws one AggregateError naming the failed jobs after all have finished. */
export async function runScheduledJobs(jobs: ScheduledJob[]): Promise<void> {
  const results = await Promise.allSettled(jobs.map((job) => job.run()));
  const failures = results.flatMap((r, i) => (r.status === "rejected" ? [{ name: jobs[i]?.name ?? "?", reason: r.reason as unknown }] : []));
  for (const f of failures) console.error(`scheduled job ${f.name} failed`, f.reason);
  if (failures.length > 0) {
    throw new AggregateError(failures.map((f) => f.reason), `scheduled jobs failed: ${failures.map((f) => f.name).join(", ")}`);
  }
}

/** The jobs of one cron run at `now` (the controller's scheduledTime). */
export function cronJobs(env: Env, config: Config, now: number): ScheduledJob[] {
  return [
    { name: "inbox-retention", run: () => enforceInboxRetention(env.DB, config.INBOX_RETENTION_DAYS, now) },
    { name: "refused-events-retention", run: () => enforceRefusedRetention(env.DB, config.INBOX_RETENTION_DAYS, now) },
    { name: "judged-changes-retention", run: () => enforceJudgedChangesRetention(env.DB, config.JUDGED_CHANGES_RETENTION_DAYS, now) },
    // engine_writes only serve echo recognition inside their window: without this the table grows without bound.
    { name: "engine-writes-pruning", run: () => pruneEngineWrites(env.DB, now) },
    // Closes webhook gaps (HubSpot stops retrying after 24 h): deals modified in the last 30 min whose stage the
    // engine doesn't know are replayed through the same idempotent path as a webhook.
    { name: "deal-reconciliation", run: () => runReconciliation(env, config, now) },
    // `scan: true` rules (close dates in the past, owners, stale deals) over every open deal, a few pages per tick from
    // a cursor: each finding once per (deal, rule), its task once, resolved when the deal complies.
    { name: "rule-scan", run: () => runRuleScan(env, config, now) },
    // HubSpot's own pipeline rules vs the policy set (issue 15): shown on the overview and in /healthz.
    { name: "native-drift", run: () => checkNativeDrift(env, config, now) },
    // Pending never means forgotten: rows past the queue's retry horizon, and dead letters an operator asked to replay.
    { name: "pending-sweep", run: () => sweepPendingInbox(env.DB, (body) => sendEvents(env, body), now) },
    { name: "dead-letter-replay", run: () => replayRequestedDeadLetters(env.DB, (body) => sendEvents(env, body), now) },
    // No stuck rows: task creates and reverts whose answer was lost, once no retry is left to settle them.
    { name: "planned-writes-settlement", run: () => settlePlannedWrites(env.DB, createHubSpotClient({ accessToken: config.HUBSPOT_ACCESS_TOKEN, basePath: config.HUBSPOT_BASE_URL }), now) },
    // Puts back governance properties edited by hand (HubSpot sends no webhook when they aren't subscribed) and
    // backfills deals never written, a few pages per run from a cursor that wraps around.
    { name: "governance-repair", run: () => runGovernanceRepair(env.DB, config, now) },
  ];
}

async function sendEvents(env: Env, body: Parameters<Env["EVENTS"]["send"]>[0]): Promise<void> {
  await env.EVENTS.send(body);
}
