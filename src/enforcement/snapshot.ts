// The Snapshot: everything one batch's enforcement needs from HubSpot and D1, read once by read.ts. The pure steps
// (evaluate, plan) take it as their only input besides `now`; nothing after read.ts reads HubSpot or D1 to decide.
import type { AssociationCounts } from "../hubspot/associations";
import type { DealRecord } from "../hubspot/deals";
import type { ApprovalStatus, AssociationKind, CompiledPolicySet, DealChange } from "../policy";
import type { AssociationEntry } from "../store/association-timeline";
import type { DealState } from "../store/deal-state";
import type { OpenTaskRow } from "../store/deal-tasks";
import type { RevertRow } from "../store/reverts";
import type { StoredViolation } from "../store/violations";
import type { BuiltChange } from "./build-change";
import type { DealGroup, GroupedEvents } from "./group-events";
import type { PortalMetadata } from "./portal-metadata";
import type { GovernanceSnapshot } from "./read-governance";
import type { PolicyVersionSnapshot } from "./read-policy-version";
import type { Rejudged } from "./rejudge";
import type { Unread } from "./split-unread";

/** An open violation as the re-check needs it (stored, or detected earlier in this run). */
export interface OpenViolation {
  id: string;
  policyId: string;
  ruleId: string;
  toStage: string | null;
  /** The stage the violating change left (for a move rule: the last stage the deal left compliantly). */
  fromStage: string | null;
  fromPipelineId: string | null;
  occurredAt: number;
}

/** One deal the batch read returned, with its changes built once (association counts applied by evaluate). */
export interface DealSnapshot {
  group: DealGroup;
  deal: DealRecord;
  state: DealState | undefined;
  /** Its open violations in D1 before this run. */
  open: OpenViolation[];
  /**
   * Its violations resolved after the batch's first change: still standing when that change happened, so a move rule
   * judges a move made before the resolution from their anchor. Optional: absent = none.
   */
  resolvedLater?: Array<OpenViolation & { resolvedAt: number }>;
  built: BuiltChange[];
  /** The deal as it is now (a "scan" change), for re-checking open violations. */
  current: DealChange;
  associations: AssociationCounts;
  /** HubSpot's approval status, read only for deals entering a compiled approval gate (read-approvals.ts). */
  approval?: ApprovalStatus | null;
  /**
   * Set when this deal was merged away before its events were processed: its changes are judged with its own history
   * and logged on the surviving deal; its violations are resolved by the merge.
   */
  mergedInto: { dealId: string; at: number } | null;
  /** Changes judged in earlier runs whose association counts this batch corrected (rejudge.ts). */
  rejudged?: Rejudged[];
}

/** Rows to add to the association timeline (this batch's association events, first-seen snapshots). */
export interface AssociationLog {
  entries: AssociationEntry[];
  coverage: Array<{ dealId: string; kind: AssociationKind; at: number }>;
}

/** What the batch read found, for the deals still alive at the end of the batch. */
export interface LiveSnapshot {
  set: CompiledPolicySet;
  metadata: PortalMetadata;
  /** Every property read (the policies' and the engine's own). */
  properties: string[];
  deals: DealSnapshot[];
  /** Groups of deals the read didn't return: they no longer exist in HubSpot. */
  missing: DealGroup[];
  /** Deals whose changes in this batch can't fire a rule or make one good, with why (split-unread.ts): no read spent. */
  unread: Unread[];
  /** Stored violations of these deals since the batch's first change, keyed by id (a retry's earlier work). */
  stored: Map<string, StoredViolation>;
  /** Revert rows of these deals, keyed by violation id. */
  reverts: Map<string, RevertRow>;
  /** Reverts planned or done per deal in the last hour (the cap). */
  recentReverts: Map<string, number>;
  /** Reverts planned or done per deal in the last 24 h (the daily ceiling); absent = not read. */
  dailyReverts?: Map<string, number>;
  /** The engine's open tasks on these deals, with their violations' state (what remediation completes). */
  openTasks: OpenTaskRow[];
  /** Clock time of the batch read: a revert's "re-read just before the write" counts it when fresh. */
  readAt: number;
  associationLog: AssociationLog;
}

export interface Snapshot {
  echoes: GroupedEvents["echoes"];
  mergedAway: GroupedEvents["mergedAway"];
  /** Open violations of the merged-away deals. */
  mergedOpen: StoredViolation[];
  /** Deals deleted by the end of the batch (not read). */
  deleted: DealGroup[];
  /** null when no deal is left to read. */
  live: LiveSnapshot | null;
  /** The governance properties' state for the live deals and the deals whose governance property was edited. */
  governance: GovernanceSnapshot;
  /** The running set against the last recorded version; null/absent when already recorded (or nothing was compiled). */
  policyVersion?: PolicyVersionSnapshot | null;
}
