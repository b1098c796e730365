// A run the rate budget can't fit whole does the part it has room for now: the deals that fit (in order of their
// first event, each with all its events) are enforced at once, then the rest — after waiting in place for the window
// as any run does, or, when that would be too long, back to the queue. A burst's big batch near the limit waited
// whole seconds for room for all of it while the window had room for most of it.
import type { BudgetRefusal } from "../hubspot/budget";
import type { HubSpotEvent } from "../hubspot/events";
import type { CompiledPolicySet } from "../policy";
import type { EnforceStats } from "./plan-types";
import { eventsWithinCalls } from "./split-unread";

/**
 * ok: every event is done (the consumer marks them processed). not ok: retry the messages (after `retryAfterSeconds`);
 * `done`: the events that were enforced all the same (a rate-budget wait for the rest) — marked processed, not retried.
 */
export type EnforceOutcome = { ok: true; processed: number; stats?: EnforceStats } | { ok: false; error: string; retryAfterSeconds?: number; done?: HubSpotEvent[] };

/** A run's outcome, or the budget's refusal before it began (with the room there was). */
export type RunOutcome = EnforceOutcome | { ok: false; refused: BudgetRefusal };

/** One pipeline run over `events`; `wait`: it may wait in place for the window (else it is refused at once). */
export type Run = (events: HubSpotEvent[], wait: boolean) => Promise<RunOutcome>;

export async function enforceInParts(events: HubSpotEvent[], run: Run, set: CompiledPolicySet | null): Promise<EnforceOutcome> {
  const whole = await run(events, false);
  if (!("refused" in whole)) return whole;
  const room = whole.refused.room ?? 0;
  const part = room === 0 ? [] : eventsWithinCalls(events, set, room);
  if (part.length === 0 || part.length === events.length) return settled(await run(events, true));
  const first = await run(part, false);
  // The room went to another isolate meanwhile: the whole run waits, or is deferred, as any run.
  if ("refused" in first) return settled(await run(events, true));
  if (!first.ok) return first;
  const taken = new Set(part);
  const rest = await run(events.filter((e) => !taken.has(e)), true);
  if ("refused" in rest) return { ...refusal(rest.refused), done: part };
  if (!rest.ok) return rest;
  return { ok: true, processed: events.length, ...(first.stats && rest.stats ? { stats: addStats(first.stats, rest.stats) } : {}) };
}

function settled(outcome: RunOutcome): EnforceOutcome {
  return "refused" in outcome ? refusal(outcome.refused) : outcome;
}

function refusal(r: BudgetRefusal): { ok: false; error: string; retryAfterSeconds?: number } {
  return { ok: false, error: r.error, ...(r.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: r.retryAfterSeconds }) };
}

function addStats(a: EnforceStats, b: EnforceStats): EnforceStats {
  return {
    deals: a.deals + b.deals, echoes: a.echoes + b.echoes, dropped: a.dropped + b.dropped, violations: a.violations + b.violations,
    tasksCreated: a.tasksCreated + b.tasksCreated, reverts: a.reverts + b.reverts, resolved: a.resolved + b.resolved,
  };
}
