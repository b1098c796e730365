// The policy core's public types: the portal schema it resolves against, the change it evaluates, and what it returns.
// Pure data shapes only — no behaviour, no imports from env/hubspot/store (they depend on us, never the reverse).
import type { PortalSchema } from "./portal-types";

/** `{ ok: true, value } | { ok: false, error }` — expected failures are values, never thrown. */
export type { Result } from "../result";

/** audit: record what would have run · warn: tasks run, nothing is reverted · enforce: every action runs. */
export type Mode = "audit" | "warn" | "enforce";
export type Severity = "info" | "warning" | "critical";
export type ActionType = "task" | "revert" | "log" | "notify-manager";
export type AssociationKind = "contacts" | "companies" | "line_items";
export type { PortalPipeline, PortalProperty, PortalPropertyType, PortalSchema, PortalStage } from "./portal-types";

/**
 * HubSpot's `changeSource` normalised into the categories a policy can name.
 * CRM_UI → "ui", CRM_UI_BULK_ACTION → "bulk", IMPORT → "import", WORKFLOW/AUTOMATION → "workflow",
 * INTEGRATION → "integration", API → "api", HUBSPOT_INTERNAL → "internal", anything else → "other".
 * See `normalizeChangeSource` in source.ts.
 */
export type ChangeSourceKind = "ui" | "bulk" | "import" | "workflow" | "integration" | "api" | "internal" | "other";

export interface Actor {
  /** HubSpot user id without the "userId:" prefix (e.g. "9911"); null when the change had no user (workflow, import). */
  userId: string | null;
  /** The owner record of that user, when known. */
  ownerId: string | null;
  teamIds: string[];
  isDealOwner: boolean;
  isManager: boolean;
  /** Raw HubSpot changeSource, e.g. "CRM_UI", "WORKFLOW", "INTEGRATION". */
  changeSource: string;
  sourceId: string | null;
}

export interface DealChange {
  dealId: string;
  kind: "created" | "updated" | "scan";
  /** Pipeline after the change. */
  pipelineId: string | null;
  /** Pipeline before (differs on a pipeline switch). */
  fromPipelineId: string | null;
  /** Stage id before the change (null: created, or no stage change). */
  fromStage: string | null;
  /** Stage id after the change (the current stage). */
  toStage: string | null;
  /** Property names that changed in this change (`dealstage` included if it moved). */
  changedProperties: string[];
  /** HubSpot raw string values before the change. */
  old: Record<string, string | null>;
  /** HubSpot raw string values after the change. */
  new: Record<string, string | null>;
  ownerId: string | null;
  ownerTeamIds: string[];
  actor: Actor;
  associations: { contacts: number; companies: number; line_items: number };
  /**
   * The counts just before the change, when they differ (a change that added or removed an association); absent: the
   * same as `associations`. What tells a change that makes the deal meet a criterion from one it already met.
   */
  associationsBefore?: { contacts: number; companies: number; line_items: number };
  /** Epoch ms. */
  occurredAt: number;
  /**
   * HubSpot's approval status for the deal (GET …/approvals/{objectId}), read by the enforcement read step for deals
   * entering a stage that needs an approval; absent/null when not read (no native approval gate).
   */
  approval?: ApprovalStatus | null;
  /**
   * When the deal entered its current stage (`toStage`), epoch ms — from the dealstage property history, as of the
   * change. CEL reads it as `deal.daysInStage` (calendar days up to `now`); absent/null when unknown.
   */
  stageEnteredAt?: number | null;
  /**
   * Where each value came from (property name, or "association:contacts" etc.): as of the change, or the current
   * value, and why. Optional: a change built by hand (policy tests, explain) has none. Only explains; never judged.
   */
  origins?: Record<string, ValueOrigin>;
}

/** How a value the rules read was obtained: as it was at the change (`as-of`), or as it is now (`current`), and why. */
export interface ValueOrigin {
  origin: "as-of" | "current";
  reason: string;
}

/**
 * Who and when a policy set was bundled (`npm run generate`, before start/deploy): the last commit touching the
 * policies directory, whether it had uncommitted edits, and who ran the bundle. Git fields are null without git.
 */
export interface PolicyBundleInfo {
  bundledAt: number;
  commit: string | null;
  author: string | null;
  committedAt: number | null;
  subject: string | null;
  dirty: boolean;
  bundledBy: string | null;
}

/** A draft set bundled next to the active one (policies/staged/): the active files overlaid by the staged ones. */
export interface StagedPolicySet {
  name: string;
  /** The complete draft set, as the engine would run it. */
  files: PolicyFile[];
  /** Paths of the staged files (the rest are the active set's). */
  staged: string[];
  version: string;
}

export type ApprovalStatus = "APPROVED" | "PENDING" | "REJECTED" | "NO_APPROVAL_NEEDED" | "NOT_APPLICABLE";
export type Enforcement = "engine" | "native+engine";

/** Options for every evaluation: the clock is passed in (epoch ms); the core never reads it. */
export interface EvaluateOptions {
  now: number;
}

// ---- Output ----

export interface TaskSpec {
  subject: string;
  body: string;
  /** "user-id": a HubSpot user (an approver), mapped to its owner record by the engine. */
  assignee: { kind: "owner" | "manager" | "owner-id" | "user-id"; ownerId?: string; userId?: string };
  dueInBusinessDays: number;
  priority: "LOW" | "MEDIUM" | "HIGH";
}

export interface PlannedAction {
  type: ActionType;
  /** Present for `task`. */
  task?: TaskSpec;
  /** Present for `revert`: where the deal should go back to (the change's from-pipeline/from-stage). */
  revertTo?: { pipelineId: string | null; stageId: string };
  /** Present for `notify-manager` and `log`: the rendered message to send/record. */
  note?: string;
}

/** One step of a rule's explanation: which check ran, on which values, and whether it passed. */
export interface TraceStep {
  /** e.g. "scope.pipelines", "trigger", "exception", "when", "assert", "require", "transition", "associations". */
  check: string;
  /** The CEL source or the declarative check it came from. */
  expression?: string;
  passed: boolean;
  /** The values the check saw (JSON-safe). */
  values: Record<string, unknown>;
  detail: string;
}

export interface Violation {
  policyId: string;
  /** Content hash of the policy file's text (see version.ts). */
  policyVersion: string;
  ruleId: string;
  severity: Severity;
  mode: Mode;
  message: string;
  /** Property names (or "association:contacts" etc.) that are missing. */
  missing: string[];
  /** The actions to take (enforce) or that would have been taken (audit). */
  actions: PlannedAction[];
  trace: TraceStep[];
}

/** Why a rule did not produce a violation — or that it did. */
export type RuleOutcome =
  | "violated"
  | "passed"
  | "out-of-scope"
  | "not-triggered"
  | "excepted"
  | "exempt"
  | "error";

export interface Evaluation {
  violations: Violation[];
  /** Every rule the change triggered in scope (exempt/excepted ones count as passed); `passed` is false for violations. */
  evaluated: Array<{ policyId: string; ruleId: string; passed: boolean; excepted?: true }>;
  /** Rules that failed internally (a bug, never expected): reported as values so evaluation itself never throws. */
  errors?: Array<{ policyId: string; ruleId: string; message: string }>;
}

/** Per-rule verdict with full trace, for `explain` (CLI) and debugging. */
export interface RuleVerdict {
  policyId: string;
  policyVersion: string;
  ruleId: string;
  outcome: RuleOutcome;
  trace: TraceStep[];
  violation: Violation | null;
}

export type { PolicyError, PolicyErrorCode } from "./error-types";

// ---- Compiled set (opaque; create with loadPolicySet) ----

export interface RuleInfo {
  id: string;
  enforcement: Enforcement;
  mode: Mode;
  severity: Severity;
  actions: ActionType[];
  description?: string;
  /** The rule's plain sentence for its condition, as written (templates unrendered). */
  explain?: string;
}

export interface PolicyInfo {
  id: string;
  version: string;
  file: string;
  mode: Mode;
  description?: string;
  rules: RuleInfo[];
}

/**
 * A compiled, ready-to-evaluate policy set. Build it once per isolate with `loadPolicySet`; read the summary fields;
 * pass it to `evaluateChange` etc. The compiled plans live behind it and are not part of the contract.
 */
export interface CompiledPolicySet {
  readonly kind: "CompiledPolicySet";
  /** Hash over all policy versions in the set. */
  readonly version: string;
  readonly portal: PortalSchema;
  readonly policies: readonly PolicyInfo[];
}

export interface PolicyFile {
  path: string;
  text: string;
}

/** Identifies the violation being re-checked (from the stored violation row). */
export interface ViolationRef {
  policyId: string;
  ruleId: string;
  /** The stage the deal entered when it violated (violations.to_stage); null when the rule was not about a stage. */
  toStage: string | null;
  /**
   * The stage the violating move left (violations.from_stage): for a move rule, the last stage the deal left
   * compliantly. When given, a move rule's violation is resolved only by the deal complying again from there.
   */
  fromStage?: string | null;
  /** The pipeline of `fromStage`, when known. */
  fromPipelineId?: string | null;
}
