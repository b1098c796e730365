// A deal's events still pending in the inbox — a message deferred for the rate budget, a retry on its way — join the
// run that handles the deal's newer events. The engine judges a deal's moves in time order (a move made while a skip
// stands is judged from the skip's anchor); a deferral must not let a later move be judged before an earlier one.
// Their own messages, when they come back, find them processed and are acked.
import { normaliseEvent, parseEvent, type HubSpotEvent } from "../../hubspot/events";
import { listPendingOfDeals } from "../../store/inbox";
import { parseJsonColumn } from "../../store/violations";

/** At most this many joined events per run: a long backlog comes back with its own messages. */
const MAX_JOINED = 500;

/** The batch's events plus the pending ones of the same deals it doesn't carry, in time order. */
export async function withPendingOfSameDeals(db: D1Database, events: HubSpotEvent[]): Promise<{ events: HubSpotEvent[]; joined: string[] }> {
  const have = new Set(events.map((e) => e.inboxHash));
  const rows = await listPendingOfDeals(db, [...new Set(events.map((e) => e.objectId))], MAX_JOINED + have.size);
  const joined: HubSpotEvent[] = [];
  for (const row of rows) {
    if (have.has(row.hash) || joined.length >= MAX_JOINED) continue;
    const parsed = parseEvent(parseJsonColumn(row.payload, null), 0);
    // A stored row that doesn't parse stays with its own message (and its failure handling).
    if (parsed.ok) joined.push({ ...normaliseEvent(parsed.event), inboxHash: row.hash });
  }
  if (joined.length === 0) return { events, joined: [] };
  return { events: [...events, ...joined].sort((a, b) => a.occurredAt - b.occurredAt), joined: joined.map((e) => e.inboxHash ?? "") };
}
