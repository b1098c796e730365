// Internal shapes of a compiled policy set: what compile produces and evaluate runs. Not part of the public contract.
import type { PathSegment } from "./load";
import type { PortalIndex } from "./portal-index";
import type { ActionType, ChangeSourceKind, CompiledPolicySet, Enforcement, Mode, PolicyErrorCode, PortalPropertyType, Severity } from "./types";

export interface ActorMatcher {
  users: ReadonlySet<string> | null;
  teams: ReadonlySet<string> | null;
  sources: ReadonlySet<ChangeSourceKind> | null;
  managers: boolean | null;
  owner: boolean | null;
  /** Human-readable form for traces. */
  text: string;
}

export interface ExceptionPlan {
  users: ReadonlySet<string> | null;
  teams: ReadonlySet<string> | null;
  deals: ReadonlySet<string> | null;
  reason: string;
  /** Exclusive epoch ms: the exception applies while now < expiresAt (a date expires at the end of that day in the portal's time zone). */
  expiresAt: number;
  expires: string;
}

/** `null` = trigger not used; `"any"` = any stage. */
export type StageSet = ReadonlySet<string> | "any" | null;

export interface TriggerPlan {
  created: boolean;
  entered: StageSet;
  exited: StageSet;
  changed: boolean;
  properties: readonly string[] | null;
  scan: boolean;
}

export interface RequirementPlan {
  property: string;
  /** The portal's label for the property ("Close Date"), what reps and managers read. */
  label: string;
  type: PortalPropertyType;
  /** null: must be non-empty; otherwise the value it must equal (compared by the property's type). */
  equals: string | number | boolean | null;
}

export interface TerminalPlan {
  stages: ReadonlySet<string>;
  label: string;
  allowedTo: ReadonlySet<string>;
  by: ActorMatcher | null;
}

export interface TransitionPlan {
  maxSkip: number | null;
  allowSkipToClosed: boolean;
  backward: "allow" | "deny";
  backwardAllowedTo: ReadonlySet<string>;
  allowed: ReadonlyMap<string, ReadonlySet<string>>;
  terminal: readonly TerminalPlan[];
  /** The only stages a deal may be created in; null = any. */
  createdIn: ReadonlySet<string> | null;
}

export interface ApprovalPlan {
  /** The stage ids (one per scoped pipeline that has a stage of that name) that need an approval. */
  stages: ReadonlySet<string>;
  label: string;
  /** HubSpot user ids, without the "userId:" prefix. */
  approvers: readonly string[];
  when: CelPlan | null;
  mode: "ALL" | "ANY";
  comment: string | null;
}

export interface RestrictEditsPlan {
  stages: ReadonlySet<string>;
  users: ReadonlySet<string> | null;
  teams: ReadonlySet<string> | null;
  text: string;
}

export type CelRunner = (context: Record<string, unknown>) => unknown;

export interface CelPlan {
  source: string;
  run: CelRunner;
  /** Member paths the expression reads (e.g. "new.amount", "change.to.index"), for traces and replay. */
  paths: readonly string[];
}

export type TemplatePart = string | { ref: string };
export interface TemplatePlan {
  source: string;
  parts: readonly TemplatePart[];
}

export interface TaskPlan {
  subject: TemplatePlan;
  body: TemplatePlan;
  assignee: { kind: "owner" | "manager" | "owner-id" | "user-id"; ownerId?: string; userId?: string };
  dueInBusinessDays: number;
  priority: "LOW" | "MEDIUM" | "HIGH";
}

export interface ActionPlan {
  type: ActionType;
  task: TaskPlan | null;
}

export interface RulePlan {
  policyId: string;
  policyVersion: string;
  id: string;
  description: string | undefined;
  enforcement: Enforcement;
  mode: Mode;
  severity: Severity;
  triggers: TriggerPlan;
  inStages: ReadonlySet<string> | null;
  when: CelPlan | null;
  assert: CelPlan | null;
  require: readonly RequirementPlan[];
  associations: ReadonlyArray<{ kind: "contacts" | "companies" | "line_items"; min: number }>;
  transition: TransitionPlan | null;
  approval: ApprovalPlan | null;
  restrictEdits: RestrictEditsPlan | null;
  /** Whether the document gave `on:` (native compile: an explicit trigger narrows what a native rule may mean). */
  explicitTriggers: boolean;
  appliesTo: readonly ActorMatcher[] | null;
  exempt: readonly ActorMatcher[];
  exceptions: readonly ExceptionPlan[];
  message: TemplatePlan;
  /** The admin's plain sentence for the rule's condition, shown instead of the CEL. */
  explain: TemplatePlan | null;
  actions: readonly ActionPlan[];
}

export interface ScopePlan {
  pipelines: ReadonlySet<string> | null;
  ownersInclude: ReadonlySet<string> | null;
  ownersExclude: ReadonlySet<string> | null;
  teamsInclude: ReadonlySet<string> | null;
  teamsExclude: ReadonlySet<string> | null;
  when: CelPlan | null;
}

export interface PolicyPlan {
  id: string;
  description: string | undefined;
  version: string;
  file: string;
  mode: Mode;
  scope: ScopePlan;
  rules: readonly RulePlan[];
}

export interface CelRuntime {
  /** Properties converted into `old`/`new` for CEL (only those some expression reads). */
  celProperties: ReadonlyArray<{ name: string; type: PortalPropertyType }>;
  makeDeal(): Record<string, unknown>;
  makeChange(): Record<string, unknown>;
  makeActor(): Record<string, unknown>;
  makeDealInfo(): Record<string, unknown>;
  makeStage(): Record<string, unknown>;
  /** Compiles an expression against this set's environment (used by replay). */
  compile(source: string): CelRunner | null;
}

export interface InternalPolicySet extends CompiledPolicySet {
  readonly plans: readonly PolicyPlan[];
  readonly index: PortalIndex;
  readonly cel: CelRuntime;
  readonly properties: readonly string[];
  readonly associationKinds: ReadonlyArray<"contacts" | "companies" | "line_items">;
  /** The kinds an expression reads (`deal.contacts` …): any value may change its verdict, not only a missing minimum. */
  readonly expressionAssociationKinds: ReadonlyArray<"contacts" | "companies" | "line_items">;
}

export interface CompileContext {
  file: string;
  /** Records a positioned error; `offset` points inside a string scalar (CEL/template ranges). */
  report(code: PolicyErrorCode, path: readonly PathSegment[], message: string, options?: { suggestion?: string; offset?: number; at?: "key" | "value" }): void;
}

export function isInternalSet(set: CompiledPolicySet): set is InternalPolicySet {
  return typeof set === "object" && set !== null && "plans" in set && Array.isArray((set as { plans?: unknown }).plans);
}
