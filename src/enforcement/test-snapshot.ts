// Fixtures for the pure steps' tests (evaluate, plan): events, a deal as the batch read returns it, portal metadata
// and a Snapshot built from them with the real grouping and change building. Pure data; imported only by *.test.ts.
import type { GovernanceSnapshot } from "./read-governance";
import type { DealRecord, HistoryEntry } from "../hubspot/deals";
import type { HubSpotEvent } from "../hubspot/events";
import { loadPolicySet, type CompiledPolicySet } from "../policy";
import { NOW, policyFile, TEST_PORTAL } from "../policy/test-portal";
import type { DealState } from "../store/deal-state";
import { buildDealChanges } from "./build-change";
import { groupDealEvents } from "./group-events";
import type { PortalMetadata, StageInfo } from "./portal-metadata";
import type { DealSnapshot, LiveSnapshot, OpenViolation, Snapshot } from "./snapshot";

export { NOW };
export const APP_ID = "9";
export const PROPERTIES = ["amount", "closedate", "dealname", "dealstage", "hubspot_owner_id", "pipeline"];

let seq = 0;
/** A dealstage change of deal 42 by user 101 in the UI at NOW, unless overridden. */
export function event(overrides: Partial<HubSpotEvent> = {}): HubSpotEvent {
  seq++;
  return {
    eventId: String(seq), subscriptionId: "1", portalId: "1", appId: APP_ID, occurredAt: NOW, subscriptionType: "deal.propertyChange",
    attemptNumber: 0, objectId: "42", objectTypeId: "0-3", propertyName: "dealstage", propertyValue: "presentationscheduled",
    changeSource: "CRM_UI", sourceId: "userId:101", changeFlag: null, primaryObjectId: null, mergedObjectIds: [], newObjectId: null,
    associationType: null, fromObjectId: null, toObjectId: null, associationRemoved: null, inboxHash: `h${seq}`, ...overrides,
  };
}

const entry = (value: string, timestamp: number, userId: string | null = "101"): HistoryEntry => ({ value, timestamp, sourceType: "CRM_UI", sourceId: null, updatedByUserId: userId });

/** Deal 42 as read: in `stages` over time (stage, entered at), owned by 201, with amount and close date. */
export function dealRecord(stages: Array<[string, number]>, properties: Record<string, string | null> = {}): DealRecord {
  const last = stages.at(-1);
  return {
    id: "42",
    properties: { dealname: "Acme", amount: "10000", closedate: "2026-07-01", pipeline: "default", hubspot_owner_id: "201", dealstage: last?.[0] ?? null, ...properties },
    history: { dealstage: stages.map(([value, at]) => entry(value, at)) },
    updatedAt: last?.[1] ?? NOW,
  };
}

function indexStages(): Map<string, StageInfo> {
  return new Map(TEST_PORTAL.pipelines.flatMap((p) => p.stages.map((stage, index) => [stage.id, { pipelineId: p.id, stage, index, isWon: stage.isClosed && stage.probability === 1 }] as const)));
}

/** Owner 201 (user 101) in team-emea, managed by 301 when `withManager`. */
export function metadata(withManager = true): PortalMetadata {
  const owner = { id: "201", userId: "101", name: "Rep One", email: null, teamIds: ["team-emea"], primaryTeamId: "team-emea" };
  return {
    schema: TEST_PORTAL,
    stages: indexStages(),
    owners: new Map([["201", owner]]),
    ownersByUser: new Map([["101", owner]]),
    directory: {
      ownerTeams: (id) => (id === "201" ? ["team-emea"] : []),
      ownerIdForUser: (id) => (id === "101" ? "201" : null),
      managerOf: (id) => (withManager && id === "201" ? "301" : null),
    },
    timeZone: "UTC",
    fetchedAt: NOW,
  };
}

export function compile(rules: string, header = "mode: enforce"): CompiledPolicySet {
  const result = loadPolicySet([policyFile(rules, header)], TEST_PORTAL);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

export interface SnapshotInput {
  events: HubSpotEvent[];
  deal: DealRecord;
  set: CompiledPolicySet;
  state?: DealState;
  open?: OpenViolation[];
  /** Violations resolved after the batch's first change (read.ts: listResolvedSince). */
  resolvedLater?: Array<OpenViolation & { resolvedAt: number }>;
  withManager?: boolean;
  engineWrites?: string[];
  live?: Partial<Omit<LiveSnapshot, "deals" | "set" | "metadata" | "properties">>;
}

/** A Snapshot of one deal, grouped and built the way read.ts does it. */
export function snapshotOf(input: SnapshotInput): Snapshot {
  // Each listed write is taken as made just before the events that carry it back.
  const writes = new Map((input.engineWrites ?? []).map((key) => [key, input.events.filter((e) => `${e.objectId}|${e.propertyName ?? ""}|${e.propertyValue ?? ""}` === key).map((e) => e.occurredAt)]));
  const grouped = groupDealEvents(input.events, { appId: APP_ID, engineWrites: writes });
  const meta = metadata(input.withManager ?? true);
  const associations = { contacts: 1, companies: 1, line_items: 0 };
  const deals: DealSnapshot[] = [...grouped.deals.values()].map((group) => {
    const built = buildDealChanges({ group, deal: input.deal, state: input.state, properties: PROPERTIES, directory: meta.directory, now: NOW });
    return {
      group,
      deal: input.deal,
      state: input.state,
      open: input.open ?? [],
      resolvedLater: input.resolvedLater ?? [],
      built: built.built.map((b) => ({ ...b, change: { ...b.change, associations } })),
      current: built.current,
      associations,
      mergedInto: null,
    };
  });
  const live: LiveSnapshot = {
    set: input.set, metadata: meta, properties: PROPERTIES, deals, missing: [], stored: new Map(), reverts: new Map(), recentReverts: new Map(), openTasks: [], readAt: NOW,
    ...input.live,
    unread: input.live?.unread ?? [],
    associationLog: input.live?.associationLog ?? { entries: [], coverage: [] },
  };
  return { echoes: grouped.echoes, mergedAway: grouped.mergedAway, mergedOpen: [], deleted: [], live, governance: emptyGovernance() };
}

/** Governance properties installed, nothing written or recorded yet. */
export function emptyGovernance(): GovernanceSnapshot {
  return { install: "installed", portalKey: "test", written: new Map(), facts: new Map(), edits: [] };
}
