// Association counts as of a change, from the engine's own association timeline (HubSpot keeps no association
// history): the first snapshot of a (deal, kind), replayed forward through the deal.associationChange events after it,
// or — for a change before the snapshot — backward, undoing the changes seen since; the trace then says the timeline
// doesn't reach back that far. Pure.
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
}

/** The deal's association counts at `at` for `kinds`, with each count's origin. A kind without coverage counts 0. */
export function countsAt(timeline: AssociationTimeline, dealId: string, kinds: AssociationKind[], at: number): CountsAt {
  const counts: AssociationCounts = { ...NO_ASSOCIATIONS };
  const origins: Record<string, ValueOrigin> = {};
  for (const kind of kinds) {
    const since = timeline.coverage.get(`${dealId}|${kind}`);
    const entries = timeline.entries.filter((e) => e.dealId === dealId && e.kind === kind);
    if (since === undefined) {
      origins[`association:${kind}`] = { origin: "current", reason: "no association timeline for this deal" };
      continue;
    }
    const members = new Set(entries.filter((e) => e.source === "snapshot" && e.occurredAt === since).map((e) => e.toId));
    const events = entries.filter((e) => e.source === "event").sort((a, b) => a.occurredAt - b.occurredAt);
    if (at >= since) {
      for (const e of events) if (e.occurredAt > since && e.occurredAt <= at) apply(members, e.toId, !e.removed);
      origins[`association:${kind}`] = { origin: "as-of", reason: `association timeline (since ${iso(since)})` };
    } else {
      const undone = events.filter((e) => e.occurredAt > at && e.occurredAt <= since).reverse();
      for (const e of undone) apply(members, e.toId, e.removed);
      origins[`association:${kind}`] = {
        origin: "current",
        reason: `the association timeline starts ${iso(since)}, after this change: counted from that snapshot with ${undone.length} later association change${undone.length === 1 ? "" : "s"} undone; earlier ones are unknown`,
      };
    }
    counts[kind] = members.size;
  }
  return { counts, origins };
}

function apply(members: Set<string>, id: string, add: boolean): void {
  if (add) members.add(id);
  else members.delete(id);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
