// Enforcement: turns a batch of new, stored deal events into verdicts, HubSpot writes and D1 records, as a pipeline
// read → evaluate → plan → apply → record (one file per step). Idempotent end to end; HubSpot's limits come back as
// "retry after N s" (only a window about to free room is waited for, hubspot/budget.ts), and it never acks or retries
// queue messages — the consumer does.
import type { Config, Env } from "../env";
import { budgetFor, openBudgetedClient, type BudgetedClient, type BudgetRefusal } from "../hubspot/budget";
import type { HubSpotCall } from "../hubspot/client";
import type { HubSpotEvent } from "../hubspot/events";
import type { PolicyFile, PortalProperty } from "../policy";
import { applyPlan, lastReadOf } from "./apply";
import { evaluateSnapshot } from "./evaluate";
import type { EnforceFailure } from "./outcomes";
import { planEnforcement, planOptions, type EnforceStats } from "./plan";
import { lastCompiled } from "./policy-set";
import { readSettings, readSnapshot } from "./read";
import { recordRun, statsOf } from "./record";
import { eventsWithinCalls, likelyRead } from "./split-unread";

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

/**
 * ok: every event is done (the consumer marks them processed). not ok: retry the messages (after `retryAfterSeconds`);
 * `done`: the events that were enforced all the same (a rate-budget wait for the rest) — marked processed, not retried.
 */
export type EnforceOutcome = { ok: true; processed: number; stats?: EnforceStats } | { ok: false; error: string; retryAfterSeconds?: number; done?: HubSpotEvent[] };

/**
 * Enforces the policies on the events. Never throws for HubSpot trouble or bad policies: they become outcomes. When
 * the rate budget has room for part of the run but not all of it, the deals that fit are enforced now (in order of
 * their first event) and the rest wait: a burst's big batch near the limit waited whole seconds for room for all of it.
 */
export async function enforceDealEvents(events: HubSpotEvent[], deps: EnforceDeps): Promise<EnforceOutcome> {
  const whole = await enforceRun(events, deps);
  if (!("refused" in whole)) return whole;
  const room = whole.refused.room ?? 0;
  const part = room === 0 ? [] : eventsWithinCalls(events, lastCompiled(readSettings(deps.config, deps).policyFiles), room);
  if (part.length === 0 || part.length === events.length) return refusal(whole.refused);
  const done = await enforceRun(part, deps);
  if ("refused" in done) return refusal(done.refused);
  return done.ok ? { ...refusal(whole.refused), done: part } : done;
}

/** A run the rate budget refused before it began (with the room there was). */
type RunOutcome = EnforceOutcome | { ok: false; refused: BudgetRefusal };

function refusal(r: BudgetRefusal): { ok: false; error: string; retryAfterSeconds?: number } {
  return { ok: false, error: r.error, ...(r.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: r.retryAfterSeconds }) };
}

/** One run over all the events: read → evaluate → plan → apply → record. A budget refusal says how much room there is. */
async function enforceRun(events: HubSpotEvent[], deps: EnforceDeps): Promise<RunOutcome> {
  if (events.length === 0) return { ok: true, processed: 0 };
  const { config, env } = deps;
  const now = deps.now();
  const settings = readSettings(config, deps);
  const toRead = likelyRead(events, lastCompiled(settings.policyFiles));
  const hubspot = await openBudgetedClient(budgetFor(config, env.DB, toRead, now, deps.onHubSpotCall));
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
