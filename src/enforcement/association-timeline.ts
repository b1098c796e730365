// Association counts as of a change, from the engine's own association timeline (HubSpot keeps no association
// history): the first snapshot of a (deal, kind), replayed forward through the deal.associationChange events after it,
// or — for a change before the snapshot — backward, undoing the changes seen since; the trace then says the timeline
// doesn't reach back that far; a merge's moved associations are added on the surviving deal. Pure.
import { NO_ASSOCIATIONS, type AssociationCounts } from "../hubspot/associations";
import type { HubSpotEvent } from "../hubspot/events";
import type { AssociationKind, ValueOrigin } from "../policy";
import type { AssociationEntry, AssociationTimeline } from "../store/association-timeline";

const KINDS: Record<string, AssociationKind> = { CONTACT: "contacts", COMPANY: "companies", LINE_ITEM: "line_items" };

/** The association kind a webhook's `associationType` names from the deal's side (`DEAL_TO_CONTACT` …), or null. */
export function kindOf(associationType: string | null): AssociationKind | null {
  const match = /^DEAL_TO_([A-Z_]+)$/.exec(associationType ?? "");
  return match?.[1] === undefined ? null : (KINDS[match[1]] ?? null);
}

/** Timeline entries for the batch's deal.associationChange events (other kinds are ignored). */
export function entriesFromEvents(events: HubSpotEvent[]): AssociationEntry[] {
  return events.flatMap((e) => {
    const kind = e.subscriptionType === "deal.associationChange" ? kindOf(e.associationType) : null;
    const toId = e.toObjectId;
    if (kind === null || toId === null) return [];
    return [{ dealId: e.fromObjectId ?? e.objectId, kind, toId, removed: e.associationRemoved === true, occurredAt: e.occurredAt, source: "event" as const }];
  });
}

export interface CountsAt {
  counts: AssociationCounts;
  origins: Record<string, ValueOrigin>;
  /** The kinds without a timeline for this deal (counted 0: no rule has needed them yet). */
  uncounted: AssociationKind[];
}

/** The deal's association counts at `at` for `kinds`, with each count's origin. A kind without coverage counts 0. */
export function countsAt(timeline: AssociationTimeline, dealId: string, kinds: AssociationKind[], at: number): CountsAt {
  const counts: AssociationCounts = { ...NO_ASSOCIATIONS };
  const origins: Record<string, ValueOrigin> = {};
  const uncounted: AssociationKind[] = [];
  for (const kind of kinds) {
    const found = membersAt(timeline, dealId, kind, at);
    origins[`association:${kind}`] = found.origin;
    counts[kind] = found.members.size;
    if (!found.known) uncounted.push(kind);
  }
  return { counts, origins, uncounted };
}

/** The ids associated with the deal at `at` for one kind, and where that answer comes from. */
export function membersAt(timeline: AssociationTimeline, dealId: string, kind: AssociationKind, at: number): { members: Set<string>; origin: ValueOrigin; known: boolean } {
  const since = timeline.coverage.get(`${dealId}|${kind}`);
  if (since === undefined) return { members: new Set(), origin: { origin: "current", reason: "no association timeline for this deal" }, known: false };
  const entries = timeline.entries.filter((e) => e.dealId === dealId && e.kind === kind);
  const events = entries.filter((e) => e.source === "event").sort((a, b) => a.occurredAt - b.occurredAt);
  const members = snapshotAsAnnounced(new Set(entries.filter((e) => e.source === "snapshot" && e.occurredAt === since).map((e) => e.toId)), events, since);
  if (at >= since) {
    for (const e of events) if (e.occurredAt > since && e.occurredAt <= at) apply(members, e.toId, !e.removed);
    return { members, origin: { origin: "as-of", reason: `association timeline (since ${iso(since)})` }, known: true };
  }
  const undone = events.filter((e) => e.occurredAt > at && e.occurredAt <= since).reverse();
  for (const e of undone) apply(members, e.toId, e.removed);
  return {
    members,
    origin: {
      origin: "current",
      reason: `the association timeline starts ${iso(since)}, after this change: counted from that snapshot with ${undone.length} later association change${undone.length === 1 ? "" : "s"} undone; earlier ones are unknown`,
    },
    known: true,
  };
}

/**
 * The snapshot, corrected by the events from before it that it contradicts: an association announced as added before
 * the snapshot but missing from it (or announced removed yet still in it) — the read raced the change, or (the demo's
 * backfill) came before its stamped time. The latest event of each association at or before the snapshot wins: it
 * says what was there from its time on.
 */
function snapshotAsAnnounced(snapshot: Set<string>, events: AssociationEntry[], since: number): Set<string> {
  const latest = new Map<string, boolean>();
  for (const e of events) if (e.occurredAt <= since) latest.set(e.toId, !e.removed);
  for (const [toId, present] of latest) apply(snapshot, toId, present);
  return snapshot;
}

/** A merge: `dealId` went into `into` at `at`. */
export interface MergeOf {
  dealId: string;
  into: string;
  at: number;
}

/**
 * The associations a merge moved: HubSpot gives the surviving deal the merged deal's contacts, companies and line items
 * (knowledge.hubspot.com "Merge records": "one record with activities and associations from both") and sends no
 * deal.associationChange for them — so the timeline adds them on the survivor at the merge's time, as if announced.
 * What the survivor already had isn't added again: known from its own timeline when that reaches back to the merge,
 * else from its own add events before the merge. A merged deal whose associations the engine never knew adds nothing.
 */
export function mergedInEntries(timeline: AssociationTimeline, merges: MergeOf[], kinds: AssociationKind[]): AssociationEntry[] {
  const out: AssociationEntry[] = [];
  for (const m of merges) {
    for (const kind of kinds) {
      const moved = membersAt(timeline, m.dealId, kind, m.at);
      if (!moved.known) continue;
      const had = survivorHad(timeline, m, kind);
      for (const toId of moved.members) if (!had.has(toId)) out.push({ dealId: m.into, kind, toId, removed: false, occurredAt: m.at, source: "event" });
    }
  }
  return out;
}

function survivorHad(timeline: AssociationTimeline, m: MergeOf, kind: AssociationKind): Set<string> {
  const since = timeline.coverage.get(`${m.into}|${kind}`);
  if (since !== undefined && since < m.at) return membersAt(timeline, m.into, kind, m.at - 1).members;
  // Its timeline starts after the merge: its snapshot holds both deals' associations, so only its own events tell.
  const own = new Set<string>();
  const events = timeline.entries.filter((e) => e.dealId === m.into && e.kind === kind && e.source === "event" && e.occurredAt < m.at).sort((a, b) => a.occurredAt - b.occurredAt);
  for (const e of events) apply(own, e.toId, !e.removed);
  return own;
}

function apply(members: Set<string>, id: string, add: boolean): void {
  if (add) members.add(id);
  else members.delete(id);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
