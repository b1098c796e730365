// The values that pass between plan, apply and record: what to write to HubSpot (intents, each naming the
// violation action it serves) and what came of it (outcomes, matched back by the same reference). Data only.
import type { HubSpotError } from "../hubspot/errors";
import type { GovernanceApplied } from "./apply-governance";
import type { TaskPurpose } from "../store/deal-tasks";
import type { RecordedAction } from "../store/violations";

/** The action a stand-in task for a refused revert is recorded as, with its outcome so far. */
export function fallbackAction(outcome: RecordedAction["outcome"]): RecordedAction {
  return { type: "task", planned: { type: "task", fallbackFor: "revert" }, outcome, reason: "revert refused" };
}

/** Why a run failed as a whole: HubSpot (retry later) or policies that don't compile against the portal. */
export type EnforceFailure = { kind: "hubspot"; error: HubSpotError } | { kind: "policy"; message: string };

/** One action of one violation: `index` is its position in the violation's recorded actions. */
export interface ActionRef {
  violationId: string;
  index: number;
}

export interface TaskIntent {
  ref: ActionRef;
  /** A stand-in for a refused revert, added to the violation's actions when it is created. */
  fallback: boolean;
  dealId: string;
  policyId: string;
  ruleId: string;
  purpose: TaskPurpose;
  ownerId: string | null;
  subject: string;
  body: string;
  dueAt: number;
  priority: "LOW" | "MEDIUM" | "HIGH";
}

export interface RevertIntent {
  ref: ActionRef;
  /** Other violations of the same change: they share this revert's outcome (one write). */
  siblings: ActionRef[];
  /** Open violations from earlier runs that this revert also ends (older moves of the chain, back to the same stage). */
  alsoResolves: string[];
  dealId: string;
  /** The stage the deal must still be in for the revert to go ahead. */
  fromStage: string;
  target: { pipelineId: string | null; stageId: string };
  transitionId: string | null;
  /** An earlier attempt planned it (it may have landed without being marked). */
  plannedBefore: boolean;
  /** The rep's tasks (this violation's and its siblings') should HubSpot refuse the revert, given its answer. */
  fallbacks: Array<(refusal: string) => TaskIntent>;
  /**
   * The rules' own rep tasks of these violations: sent beside the revert, worded as if it lands (the usual end), and
   * reworded once its outcome says otherwise — `reword` gives the body for an outcome, null when it stands.
   */
  followUps: Array<{ ref: ActionRef; reword: (outcome: RevertResult) => string | null }>;
}

/** How a revert intent ended in apply (what its follow-up tasks say). */
export type RevertResult = { kind: "done" } | { kind: "refused"; error: string } | { kind: "skipped" };

/** What became of the revert a rep's task goes with: it tells the rep. */
export type RevertNote = { kind: "done"; to: string } | { kind: "refused"; to: string; error: string } | { kind: "skipped" };

/** A task of the engine's to complete because its rule is fixed, unless a violation in `unlessOpen` stays open. */
export interface TaskCompletion {
  rowId: string;
  taskId: string;
  /** Violations of the same rule that only stop being open if their pending revert is done in this run. */
  unlessOpen: string[];
}

/** What came of one action. `pending`: a fallback task issued but not settled (the retry creates it). */
export interface ActionOutcome {
  ref: ActionRef;
  status: "done" | "skipped" | "failed" | "pending";
  fallback: boolean;
  taskId?: string;
  reason?: string;
  error?: string;
}

/** What apply did: outcomes as values, the D1 facts they imply, and the HubSpot failure that stopped it, if any. */
export interface Applied {
  outcomes: ActionOutcome[];
  /** Reverts written (or found written) in this run. */
  reverted: Array<{ violationId: string; dealId: string; target: RevertIntent["target"]; transitionId: string | null; siblings: string[] }>;
  /** Final states of revert rows decided by HubSpot's answer. */
  revertMarks: Array<{ violationId: string; status: "done" | "refused" | "skipped"; reason: string | null }>;
  /** deal_tasks rows whose HubSpot task was completed. */
  completed: string[];
  tasksCreated: number;
  /** The governance properties written (values per deal), and the install state learnt. */
  governance: GovernanceApplied;
  failure: HubSpotError | null;
}
