// Enforcement: turns a batch of new, stored deal events into verdicts, HubSpot writes and D1 records, as a pipeline
// read → evaluate → plan → apply → record (one file per step). Idempotent end to end; HubSpot's limits come back as
// "retry after N s" (only a window about to free room is waited for, hubspot/budget.ts), and it never acks or retries
// queue messages — the consumer does.
import type { Config, Env } from "../env";
import { budgetFor, openBudgetedClient, type BudgetedClient } from "../hubspot/budget";
import type { HubSpotCall } from "../hubspot/client";
import type { HubSpotEvent } from "../hubspot/events";
import type { PolicyFile, PortalProperty } from "../policy";
import { applyPlan, lastReadOf } from "./apply";
import { enforceInParts, type EnforceOutcome, type RunOutcome } from "./budget-parts";
import { evaluateSnapshot } from "./evaluate";
import type { EnforceFailure } from "./outcomes";
import { planEnforcement, planOptions } from "./plan";
import { lastCompiled } from "./policy-set";
import { readSettings, readSnapshot } from "./read";
import { recordRun, statsOf } from "./record";
import { likelyRead } from "./split-unread";

export interface EnforceDeps {
  env: Env;
  config: Config;
  /** Epoch ms; passed in so enforcement never reads the clock for its decisions. */
  now: () => number;
  /** The policy files to enforce (tests, benchmarks); default: the set bundled at build time from policies/. */
  policyFiles?: PolicyFile[];
  /** Deal property types when the portal doesn't serve /crm/v3/properties/deals; default: the bundled snapshot. */
  portalProperties?: PortalProperty[];
  /** Observes every HubSpot call (benchmarks, tests). */
  onHubSpotCall?: (call: HubSpotCall) => void;
}

export type { EnforceOutcome } from "./budget-parts";

/**
 * Enforces the policies on the events. Never throws for HubSpot trouble or bad policies: they become outcomes. A run
 * the rate budget can't fit whole does the part it has room for now (budget-parts.ts).
 */
export async function enforceDealEvents(events: HubSpotEvent[], deps: EnforceDeps): Promise<EnforceOutcome> {
  if (events.length === 0) return { ok: true, processed: 0 };
  return enforceInParts(events, (part, wait) => enforceRun(part, deps, wait), lastCompiled(readSettings(deps.config, deps).policyFiles));
}

/** One run over all the events: read → evaluate → plan → apply → record. A budget refusal says how much room there is. */
async function enforceRun(events: HubSpotEvent[], deps: EnforceDeps, wait: boolean): Promise<RunOutcome> {
  const { config, env } = deps;
  const now = deps.now();
  const settings = readSettings(config, deps);
  const toRead = likelyRead(events, lastCompiled(settings.policyFiles));
  const hubspot = await openBudgetedClient({ ...budgetFor(config, env.DB, toRead, now, deps.onHubSpotCall), ...(wait ? {} : { maxInlineWaitMs: 0 }) });
  if (!hubspot.ok) return { ok: false, refused: hubspot.error };
  const ctx = { db: env.DB, client: hubspot.value.client, now, clock: () => Date.now() };

  const snapshot = await readSnapshot({ ...ctx, ...settings }, events);
  if (!snapshot.ok) return failed(snapshot.error, hubspot.value);
  const verdicts = evaluateSnapshot(snapshot.value.live, { modeOverride: config.POLICY_MODE_OVERRIDE });
  const plan = planEnforcement(snapshot.value, verdicts, planOptions(config, now));
  const applied = await applyPlan({ ...ctx, lastRead: lastReadOf(snapshot.value) }, plan);
  await recordRun(env.DB, plan, applied, now);

  if (applied.failure !== null) return { ok: false, ...(await hubspot.value.fail(applied.failure)) };
  await hubspot.value.close();
  return { ok: true, processed: events.length, stats: statsOf(plan, applied) };
}

/** A run that read nothing usable: HubSpot's failure becomes the budget's back-off; bad policies are reported as is. */
async function failed(failure: EnforceFailure, hubspot: BudgetedClient): Promise<EnforceOutcome> {
  if (failure.kind === "policy") {
    await hubspot.close();
    return { ok: false, error: failure.message };
  }
  return { ok: false, ...(await hubspot.fail(failure.error)) };
}
