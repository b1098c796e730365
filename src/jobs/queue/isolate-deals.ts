// When a batch's enforcement run fails, one deal's persistent error (a 400/403 on its read or write, an event the
// engine can't handle) must not hold back every other deal of the batch: the events are re-run deal by deal, each
// deal's outcome decides only its own events. A rate-limit wait stops the isolation (nothing would succeed).
import type { EnforceOutcome } from "../../enforcement";
import type { HubSpotEvent } from "../../hubspot/events";

/** After this many deals in a row fail, the trouble is taken as shared (an outage): the rest are not tried. */
const MAX_CONSECUTIVE_FAILURES = 3;
/** The reason noted on events not run because a wait for the rate budget stopped the isolation. */
export const WAITING = "waiting for HubSpot rate budget";

export interface IsolatedRun {
  /** Inbox hashes whose deal's run succeeded. */
  processed: string[];
  /** Inbox hashes whose deal's run failed (or was not tried), with the reason. */
  failed: Map<string, string>;
  /** Set when a run answered "retry after N s" (rate budget, 429): the unprocessed events wait that long. */
  retryAfterSeconds: number | null;
}

const hashesOf = (events: HubSpotEvent[]) => events.flatMap((e) => (e.inboxHash === undefined ? [] : [e.inboxHash]));

/** Runs `enforce` once per deal, in order of each deal's first event. Never throws (a rejection is a failure). */
export async function enforceDealByDeal(events: HubSpotEvent[], enforce: (events: HubSpotEvent[]) => Promise<EnforceOutcome>): Promise<IsolatedRun> {
  const byDeal = new Map<string, HubSpotEvent[]>();
  for (const e of events) byDeal.set(e.objectId, [...(byDeal.get(e.objectId) ?? []), e]);
  const out: IsolatedRun = { processed: [], failed: new Map(), retryAfterSeconds: null };
  let consecutive = 0;
  let lastError = "";
  for (const dealEvents of byDeal.values()) {
    const hashes = hashesOf(dealEvents);
    if (out.retryAfterSeconds !== null || consecutive >= MAX_CONSECUTIVE_FAILURES) {
      for (const h of hashes) out.failed.set(h, out.retryAfterSeconds !== null ? WAITING : lastError);
      continue;
    }
    let outcome: EnforceOutcome;
    try {
      outcome = await enforce(dealEvents);
    } catch (err) {
      outcome = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    if (outcome.ok) {
      out.processed.push(...hashes);
      consecutive = 0;
      continue;
    }
    if (outcome.retryAfterSeconds !== undefined) {
      // Its events weren't done either: they wait like the rest.
      out.retryAfterSeconds = outcome.retryAfterSeconds;
      for (const h of hashes) out.failed.set(h, WAITING);
      continue;
    }
    consecutive++;
    lastError = `deal ${dealEvents[0]?.objectId ?? "?"}: ${outcome.error}`;
    for (const h of hashes) out.failed.set(h, lastError);
  }
  return out;
}
