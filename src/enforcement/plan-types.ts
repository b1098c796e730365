// The Plan: every decision of one run, made by plan.ts before anything is written — rows to record, actions to
// take in HubSpot and why. Types only.
import type { DealStateWrite } from "../store/deal-state";
import type { JudgedChangeInsert } from "../store/judged-changes";
import type { CloseDateInsert, TransitionInsert } from "../store/transitions";
import type { RecordedAction, Resolution, ViolationInsert } from "../store/violations";
import type { DetectedViolation } from "./evaluate-deal";
import type { RevertIntent, TaskCompletion, TaskIntent } from "./outcomes";
import type { GovernancePlan } from "./plan-governance";
import type { PolicyVersionPlan } from "./plan-policy-version";
import type { AssociationLog } from "./snapshot";

/** One violation of this run: its actions as the plan decided them (plan's own copy; apply's outcomes go on top). */
export interface ViolationPlan {
  d: DetectedViolation;
  actions: RecordedAction[];
  /** The row to insert when it isn't stored yet (actions are filled in by record). */
  insert: Omit<ViolationInsert, "actions"> | null;
  /** Its actions differ from what is stored. */
  changed: boolean;
  /** Still open after this run's re-checks (or reverted by the engine earlier: its other actions still run). */
  open: boolean;
  /** Reverted by an earlier attempt. */
  reverted: boolean;
}

export interface PlanOptions {
  /** The run's time (epoch ms): detection time, task due dates, resolutions by the engine. */
  now: number;
  portalUiUrl: string;
  maxRevertsPerHour: number;
  /** The daily ceiling: past it the engine stops reverting the deal and tells the manager (unset: no ceiling). */
  maxRevertsPerDay?: number;
}

export interface EnforceStats {
  deals: number;
  echoes: number;
  dropped: number;
  violations: number;
  tasksCreated: number;
  reverts: number;
  resolved: number;
}

export interface Plan {
  dispositions: Array<{ hashes: string[]; status: "ignored" | "dropped"; reason: string }>;
  gone: Array<{ dealId: string; status: "deleted" | "merged"; mergedInto: string | null; at: number }>;
  violations: ViolationPlan[];
  transitions: TransitionInsert[];
  closeDates: CloseDateInsert[];
  /** Every change judged, as judged (the engine's history a back-test replays). */
  judged: JudgedChangeInsert[];
  states: DealStateWrite[];
  resolutions: Resolution[];
  reverts: RevertIntent[];
  /** Reverts stopped by the hourly cap: recorded planned + skipped. */
  capped: Array<{ violationId: string; dealId: string; target: RevertIntent["target"]; fromStage: string }>;
  /** Tasks created alongside the reverts. */
  tasks: TaskIntent[];
  /** Tasks created once the reverts are done (stand-ins for reverts refused earlier). */
  lateTasks: TaskIntent[];
  completions: TaskCompletion[];
  /** The deals' governance properties to write (only values that changed) and hand edits to put back. */
  governance: GovernancePlan;
  /** A policy set version to record (the first run of a set the history doesn't have yet). */
  policyVersion: PolicyVersionPlan | null;
  /** Association timeline rows to add (the batch's association events, first-seen snapshots). */
  associationLog: AssociationLog;
  stats: EnforceStats;
}
