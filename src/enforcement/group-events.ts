// Groups a batch of deal events by deal, orders them by occurredAt, folds the events of one save (a pipeline and a
// dealstage change, or a creation with its initial properties) into one change, and sets the engine's echoes aside:
// only a change matching a write the engine recorded (deal, property, value, moments after the write) is an echo.
// Pure: no I/O, no clock.
import { isGovernanceProperty } from "../governance";
import type { HubSpotEvent } from "../hubspot/events";

/** Property events within this distance of each other, from the same source, are one save (pipeline + stage). */
const SAME_SAVE_MS = 1_000;

export interface ChangeGroup {
  occurredAt: number;
  kind: "created" | "updated";
  /** Property name → the new value the webhook carried. */
  values: Map<string, string | null>;
  changeSource: string | null;
  sourceId: string | null;
  /** An association was added or removed (re-check requirements, no property moved). */
  associationChanged: boolean;
  /** A merge folded other deals into this one. */
  merged: boolean;
  events: HubSpotEvent[];
}

export interface DealGroup {
  dealId: string;
  portalId: string;
  changes: ChangeGroup[];
  /** Latest deletion/restore seen in the batch, by time: decides whether the deal is gone at the end. */
  deletedAt: number | null;
  restoredAt: number | null;
  events: HubSpotEvent[];
}

export interface MergedAway {
  dealId: string;
  into: string;
  at: number;
  events: HubSpotEvent[];
}

export interface GroupedEvents {
  deals: Map<string, DealGroup>;
  /** The engine's own writes coming back (not evaluated): each matched a recorded engine write. */
  echoes: Array<{ event: HubSpotEvent }>;
  mergedAway: MergedAway[];
  /** Someone else changed a governance property (the engine owns them): never evaluated, put back by plan. */
  governanceEdits: HubSpotEvent[];
}

export interface GroupOptions {
  appId: string;
  /** When the engine wrote each "dealId|property|value" (engine_writes inside the echo window). */
  engineWrites: ReadonlyMap<string, readonly number[]>;
}

/** HubSpot applies the write after the engine recorded it; allow for clocks a minute apart either way. */
const ECHO_BEFORE_MS = 60_000;
const ECHO_AFTER_MS = 5 * 60_000;

/**
 * True for an event the engine caused itself: INTEGRATION with our app id as source AND a recorded engine write of
 * that value to that property of that deal shortly before it. Another script using the same app (same app id) is
 * not the engine: its changes are judged like anyone's.
 */
export function isEngineEcho(event: HubSpotEvent, appId: string, engineWrites: GroupOptions["engineWrites"]): boolean {
  if (event.changeSource !== "INTEGRATION" || event.sourceId !== appId) return false;
  const times = engineWrites.get(`${event.objectId}|${event.propertyName ?? ""}|${event.propertyValue ?? ""}`) ?? [];
  return times.some((t) => event.occurredAt >= t - ECHO_BEFORE_MS && event.occurredAt <= t + ECHO_AFTER_MS);
}

function groupFor(deals: Map<string, DealGroup>, dealId: string, portalId: string): DealGroup {
  let group = deals.get(dealId);
  if (group === undefined) {
    group = { dealId, portalId, changes: [], deletedAt: null, restoredAt: null, events: [] };
    deals.set(dealId, group);
  }
  return group;
}

function sameSave(change: ChangeGroup, event: HubSpotEvent): boolean {
  if (Math.abs(change.occurredAt - event.occurredAt) > SAME_SAVE_MS) return false;
  // A creation and its initial property values share the timestamp; their changeSource fields may differ.
  if (change.occurredAt === event.occurredAt && (change.kind === "created" || event.subscriptionType === "deal.creation")) return true;
  if (change.occurredAt !== event.occurredAt) {
    // Only a split pipeline switch is folded across a time gap; other properties must share the timestamp.
    const names = new Set([...change.values.keys(), event.propertyName ?? ""]);
    if (!(names.has("pipeline") && names.has("dealstage") && names.size === 2)) return false;
  }
  return change.changeSource === event.changeSource && change.sourceId === event.sourceId;
}

function newChange(event: HubSpotEvent, kind: ChangeGroup["kind"]): ChangeGroup {
  return {
    occurredAt: event.occurredAt,
    kind,
    values: new Map(),
    changeSource: event.changeSource,
    sourceId: event.sourceId,
    associationChanged: false,
    merged: false,
    events: [],
  };
}

/** Groups events per deal in occurredAt order. Never throws. */
export function groupDealEvents(events: HubSpotEvent[], options: GroupOptions): GroupedEvents {
  const sorted = [...events].sort((a, b) => a.occurredAt - b.occurredAt || a.eventId.localeCompare(b.eventId));
  const deals = new Map<string, DealGroup>();
  const echoes: GroupedEvents["echoes"] = [];
  const mergedAway: MergedAway[] = [];
  const governanceEdits: HubSpotEvent[] = [];
  for (const event of sorted) {
    if (isEngineEcho(event, options.appId, options.engineWrites)) {
      echoes.push({ event });
      continue;
    }
    // Only reached when a portal subscribes to the governance properties: a hand edit is no rep's deal change.
    if (event.subscriptionType === "deal.propertyChange" && isGovernanceProperty(event.propertyName)) {
      governanceEdits.push(event);
      continue;
    }
    const group = groupFor(deals, event.objectId, event.portalId);
    group.events.push(event);
    switch (event.subscriptionType) {
      case "deal.deletion":
        group.deletedAt = event.occurredAt;
        break;
      case "deal.restore":
        group.restoredAt = event.occurredAt;
        group.changes.push({ ...newChange(event, "updated"), events: [event] });
        break;
      case "deal.merge": {
        const primary = event.newObjectId ?? event.primaryObjectId ?? event.objectId;
        for (const id of event.mergedObjectIds) {
          if (id !== primary) mergedAway.push({ dealId: id, into: primary, at: event.occurredAt, events: [event] });
        }
        const target = groupFor(deals, primary, event.portalId);
        if (target !== group) target.events.push(event);
        target.changes.push({ ...newChange(event, "updated"), merged: true, events: [event] });
        break;
      }
      case "deal.associationChange":
        group.changes.push({ ...newChange(event, "updated"), associationChanged: true, events: [event] });
        break;
      case "deal.creation":
      case "deal.propertyChange": {
        const last = group.changes.at(-1);
        const kind = event.subscriptionType === "deal.creation" ? "created" : "updated";
        let change: ChangeGroup;
        if (last !== undefined && !last.merged && !last.associationChanged && sameSave(last, event)) {
          change = last;
          if (kind === "created") change.kind = "created";
        } else {
          change = newChange(event, kind);
          group.changes.push(change);
        }
        if (event.propertyName !== null) change.values.set(event.propertyName, event.propertyValue);
        change.events.push(event);
        break;
      }
      default:
        break;
    }
  }
  return { deals, echoes, mergedAway, governanceEdits };
}

/** Is the deal gone once the batch's events are applied (deleted after its last restore)? */
export function isDeletedAtEnd(group: DealGroup): boolean {
  return group.deletedAt !== null && (group.restoredAt === null || group.deletedAt > group.restoredAt);
}
