// Which of a batch's deals need no HubSpot read: their changes can't fire a rule, change a verdict or make one good.
// Calls are what HubSpot's rate limit rations (a portal's whole budget, shared with its other integrations), and in
// a burst every read spent on such a deal delays the reads that lead to a task. Pure.
import { estimateCalls } from "../hubspot/budget";
import type { HubSpotEvent } from "../hubspot/events";
import { requiredProperties, updateTriggers, type CompiledPolicySet, type UpdateTriggers } from "../policy";
import type { DealGroup, ChangeGroup } from "./group-events";

export interface Unread {
  group: DealGroup;
  reason: string;
}

export const NOT_READ_BY_POLICIES = "no policy reads the properties changed";
export const FIRES_NO_RULE = "no rule fires on the properties changed and the deal has no open violation";

/** Stage and pipeline moves fire the stage rules. */
const MOVES = new Set(["dealstage", "pipeline"]);

/** Can a change of this property fire a rule? A move, a `propertyChanged` property, or any read one under `anyUpdate`. */
function propertyFires(name: string, triggers: UpdateTriggers, read: ReadonlySet<string>): boolean {
  return MOVES.has(name) || triggers.properties.has(name) || (triggers.anyUpdate && read.has(name));
}

/**
 * Sets aside, unread:
 * - deals whose changes touch only properties no policy reads (a portal subscribed to more than the engine needs);
 * - deals whose changes fire no rule — an edit of a property a rule only checks at a stage entry — and that have no
 *   open violation such an edit could make good (`withOpen`). The edit's value is read, as of its time, from the
 *   property history when a later move is judged; what it can't give is a judged-change row of its own for
 *   back-tests (docs/backtest.md says so).
 * Creations, association changes, merges and restores are always judged; a deal with one judged change is judged whole.
 */
export function splitUnread(groups: DealGroup[], properties: readonly string[], triggers: UpdateTriggers, withOpen: ReadonlySet<string>): { judged: DealGroup[]; unread: Unread[] } {
  const read = new Set(properties);
  const touchesRead = (c: ChangeGroup) => [...c.values.keys()].some((p) => read.has(p));
  const always = (g: DealGroup) => g.restoredAt !== null || g.changes.some((c) => c.kind === "created" || c.associationChanged || c.merged);
  const fires = (c: ChangeGroup) => [...c.values.keys()].some((p) => propertyFires(p, triggers, read));
  const judged: DealGroup[] = [];
  const unread: Unread[] = [];
  for (const g of groups) {
    if (always(g) || g.changes.some(fires)) judged.push(g);
    else if (!g.changes.some(touchesRead)) unread.push({ group: g, reason: NOT_READ_BY_POLICIES });
    else if (withOpen.has(g.dealId)) judged.push(g);
    else unread.push({ group: g, reason: FIRES_NO_RULE });
  }
  return { judged, unread };
}

/** The deals an open-violation lookup must answer for: those `splitUnread` would leave unread only for having none. */
export function needsOpenCheck(groups: DealGroup[], properties: readonly string[], triggers: UpdateTriggers): string[] {
  return splitUnread(groups, properties, triggers, new Set()).unread.flatMap((u) => (u.reason === FIRES_NO_RULE ? [u.group.dealId] : []));
}

/**
 * How many of the events' deals a run will read, told before it reads the portal's metadata (with the set the isolate
 * last compiled; every deal on a cold isolate) and without the open-violation lookup (counted unread): it sizes the
 * run's rate-budget reservation, which is then charged what was used. Reserving for deals that won't be read made
 * a burst's big batches wait for room they didn't need.
 */
export function likelyRead(events: HubSpotEvent[], set: CompiledPolicySet | null): number {
  return likelyReadIds(events, set).size;
}

function likelyReadIds(events: HubSpotEvent[], set: CompiledPolicySet | null): Set<string> {
  if (set === null) return new Set(events.map((e) => e.objectId));
  const read = new Set(requiredProperties(set));
  const triggers = updateTriggers(set);
  const fires = (e: HubSpotEvent) => e.subscriptionType !== "deal.propertyChange" || propertyFires(e.propertyName ?? "", triggers, read);
  return new Set(events.filter(fires).map((e) => e.objectId));
}

/**
 * The events of the deals a run of at most `calls` HubSpot calls can take (`estimateCalls` of the deals it will likely
 * read), taking deals in order of their first event and each deal with all its events: what a run the rate budget
 * refused can do now rather than wait whole seconds for room for all of it. Empty when not even one read fits.
 */
export function eventsWithinCalls(events: HubSpotEvent[], set: CompiledPolicySet | null, calls: number): HubSpotEvent[] {
  const readIds = likelyReadIds(events, set);
  const taken = new Set<string>();
  let reads = 0;
  for (const e of events) {
    if (taken.has(e.objectId)) continue;
    const cost = readIds.has(e.objectId) ? 1 : 0;
    if (estimateCalls(reads + cost) > calls) break;
    reads += cost;
    taken.add(e.objectId);
  }
  return reads === 0 ? [] : events.filter((e) => taken.has(e.objectId));
}
