// The policy document's zod schema (apiVersion governance/v1, kind DealPolicy) and its inferred types.
// Structure only: names of stages, pipelines and properties are checked later against the portal (resolve.ts).
import { z } from "zod";

const Name = z.string().min(1, "must not be empty");
const Names = z.array(Name).min(1, "must list at least one name");
const OneOrMany = z.union([Name, Names]);
/** `true` (any stage), one stage, or a list of stages — by label or id. */
const StageTrigger = z.union([z.literal(true), Name, Names]);
const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be lower-case letters, digits and dashes (a slug)");

/** audit: record only · warn: record and give the rep the task, never revert · enforce: every action. */
export const ModeSchema = z.enum(["audit", "warn", "enforce"]);
export const SeveritySchema = z.enum(["info", "warning", "critical"]);

export const TriggersSchema = z
  .strictObject({
    created: z.boolean().optional(),
    stageEntered: StageTrigger.optional(),
    stageExited: StageTrigger.optional(),
    stageChanged: z.boolean().optional(),
    propertyChanged: OneOrMany.optional(),
    scan: z.boolean().optional(),
  })
  .refine(
    (t) => t.created === true || t.stageEntered !== undefined || t.stageExited !== undefined ||
      t.stageChanged === true || t.propertyChanged !== undefined || t.scan === true,
    "needs at least one trigger: created, stageEntered, stageExited, stageChanged, propertyChanged or scan",
  );

/** Who/how: every listed field must match (AND); within a list any entry matches (OR). */
export const ActorMatchSchema = z.strictObject({
  users: Names.optional(),
  teams: Names.optional(),
  sources: Names.optional(),
  managers: z.boolean().optional(),
  owner: z.boolean().optional(),
});

export const ExceptionSchema = z
  .strictObject({
    users: Names.optional(),
    teams: Names.optional(),
    deals: Names.optional(),
    reason: Name,
    expires: z.union([z.string(), z.date()]),
  })
  .refine((e) => e.users !== undefined || e.teams !== undefined || e.deals !== undefined, "needs users, teams or deals");

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const RequireItem = z.union([Name, z.record(Name, Scalar)]);
/** `[amount, closedate]`, `{ manager_approved: true }`, or a list mixing both. */
export const RequireSchema = z.union([z.array(RequireItem).min(1), z.record(Name, Scalar)]);

export const AssociationsSchema = z.strictObject({
  contacts: z.int().min(1).optional(),
  companies: z.int().min(1).optional(),
  line_items: z.int().min(1).optional(),
});

export const TransitionSchema = z.strictObject({
  /** Stages that may be skipped forward in one move (0 = no skipping). */
  maxSkip: z.int().min(0).optional(),
  /** Moves into a closed stage (won/lost) are not counted as skips. Default true. */
  allowSkipToClosed: z.boolean().optional(),
  /** "deny": moving to an earlier stage is a violation, except to `backwardAllowedTo`. */
  backward: z.enum(["allow", "deny"]).optional(),
  backwardAllowedTo: Names.optional(),
  /** from stage → the only stages it may move to. Stages not listed are unrestricted. */
  allowed: z.record(Name, z.array(Name)).optional(),
  terminal: z
    .array(z.strictObject({ stage: Name, allowedTo: z.array(Name).optional(), by: ActorMatchSchema.optional() }))
    .min(1)
    .optional(),
  /** The only stages a deal may be created in (HubSpot's objectCreationRule). */
  createdIn: Names.optional(),
});

/** Where a rule is enforced: the engine after the save (default), or also HubSpot's pipeline rules before it. */
export const EnforcementSchema = z.enum(["engine", "native+engine"]);

/** A stage that needs an approval: compiles to HubSpot's approval gate where the condition fits its filter language. */
export const RequireApprovalSchema = z.strictObject({
  stage: Name,
  /** HubSpot user ids ("userId:123" or "123") who may approve. */
  approvers: Names,
  /** CEL condition on the deal; the approval is needed only when it holds. Omitted = always. */
  when: z.string().min(1).optional(),
  /** ALL approvers or ANY one of them (HubSpot's approvalMode). Default ANY. */
  approvalMode: z.enum(["ALL", "ANY"]).optional(),
  comment: z.string().optional(),
});

/** Only these users/teams may edit a deal while it sits in these stages (HubSpot's stage edit permissions). */
export const RestrictEditsSchema = z
  .strictObject({ stages: Names, users: Names.optional(), teams: Names.optional() })
  .refine((r) => r.users !== undefined || r.teams !== undefined, "needs users or teams who may still edit");

export const TaskSchema = z.strictObject({
  subject: z.string().min(1).optional(),
  body: z.string().optional(),
  assignee: z.union([z.enum(["owner", "manager"]), z.strictObject({ ownerId: Name }), z.strictObject({ userId: Name })]).optional(),
  dueInBusinessDays: z.int().min(0).max(60).optional(),
  priority: z.enum(["LOW", "MEDIUM", "HIGH"]).optional(),
});

export const ActionSchema = z.union([
  z.enum(["task", "revert", "log", "notify-manager"]),
  z.strictObject({ task: TaskSchema }),
]);

/**
 * One plain sentence for the rule's condition ("The close date is within the next 90 days"), shown to reps and
 * managers instead of the CEL. Templates may name the deal and stages, not what is missing (that is said apart).
 */
export const ExplainSchema = z
  .string()
  .trim()
  .min(3, "must be a sentence")
  .max(240, "must be one sentence of at most 240 characters")
  .refine((s) => !/[\r\n]/.test(s), "must be a single line")
  .refine((s) => !/\{\{\s*(missing|failures)\s*\}\}/.test(s), "may not use {{missing}} or {{failures}}: the message says what is missing")
  .refine((s) => !/(&&|\|\||==|!=|\bhas\(|\bnew\.|\bold\.)/.test(s.replace(/\{\{[^}]*\}\}/g, "")), "must be plain words, not a condition (no &&, ||, ==, has(), new. or old. outside {{ }})");

export const RuleSchema = z
  .strictObject({
    id: Slug,
    description: z.string().optional(),
    /** Optional only for rules whose kind implies its trigger (requireApproval, restrictEdits). */
    on: TriggersSchema.optional(),
    enforcement: EnforcementSchema.optional(),
    requireApproval: RequireApprovalSchema.optional(),
    restrictEdits: RestrictEditsSchema.optional(),
    mode: ModeSchema.optional(),
    severity: SeveritySchema.optional(),
    inStages: Names.optional(),
    when: z.string().min(1).optional(),
    assert: z.string().min(1).optional(),
    require: RequireSchema.optional(),
    associations: AssociationsSchema.optional(),
    transition: TransitionSchema.optional(),
    appliesTo: z.array(ActorMatchSchema).min(1).optional(),
    exempt: z.array(ActorMatchSchema).min(1).optional(),
    exceptions: z.array(ExceptionSchema).optional(),
    message: z.string().min(1).optional(),
    explain: ExplainSchema.optional(),
    actions: z.array(ActionSchema).optional(),
  })
  .refine(
    (r) => r.assert !== undefined || r.require !== undefined || r.associations !== undefined || r.transition !== undefined ||
      r.requireApproval !== undefined || r.restrictEdits !== undefined,
    "needs something to check: assert, require, associations, transition, requireApproval or restrictEdits",
  )
  .refine((r) => r.on !== undefined || r.requireApproval !== undefined || r.restrictEdits !== undefined, {
    message: "needs triggers (on) unless it is a requireApproval or restrictEdits rule",
    path: ["on"],
  });

const IncludeExclude = z.strictObject({ include: Names.optional(), exclude: Names.optional() });

export const ScopeSchema = z.strictObject({
  pipelines: Names.optional(),
  owners: IncludeExclude.optional(),
  teams: IncludeExclude.optional(),
  when: z.string().min(1).optional(),
});

export const PolicyDocSchema = z.strictObject({
  apiVersion: z.literal("governance/v1"),
  kind: z.literal("DealPolicy"),
  id: Slug,
  description: z.string().optional(),
  mode: ModeSchema.optional(),
  severity: SeveritySchema.optional(),
  scope: ScopeSchema.optional(),
  exempt: z.array(ActorMatchSchema).min(1).optional(),
  exceptions: z.array(ExceptionSchema).optional(),
  rules: z.array(RuleSchema).min(1, "a policy needs at least one rule"),
});

export type PolicyDoc = z.infer<typeof PolicyDocSchema>;
export type RuleDoc = z.infer<typeof RuleSchema>;
export type TriggersDoc = z.infer<typeof TriggersSchema>;
export type ActorMatchDoc = z.infer<typeof ActorMatchSchema>;
export type ExceptionDoc = z.infer<typeof ExceptionSchema>;
export type RequireDoc = z.infer<typeof RequireSchema>;
export type TransitionDoc = z.infer<typeof TransitionSchema>;
export type ActionDoc = z.infer<typeof ActionSchema>;
export type TaskDoc = z.infer<typeof TaskSchema>;
export type ScopeDoc = z.infer<typeof ScopeSchema>;
export type RequireApprovalDoc = z.infer<typeof RequireApprovalSchema>;
export type RestrictEditsDoc = z.infer<typeof RestrictEditsSchema>;

/** Every field name the schema knows: the vocabulary for "did you mean" on unknown fields. */
export const KNOWN_FIELDS: readonly string[] = [
  "apiVersion", "kind", "id", "description", "mode", "severity", "scope", "exempt", "exceptions", "rules",
  "pipelines", "owners", "teams", "when", "include", "exclude",
  "on", "inStages", "assert", "require", "associations", "transition", "appliesTo", "message", "explain", "actions",
  "created", "stageEntered", "stageExited", "stageChanged", "propertyChanged", "scan",
  "users", "sources", "managers", "owner", "deals", "reason", "expires",
  "contacts", "companies", "line_items",
  "maxSkip", "allowSkipToClosed", "backward", "backwardAllowedTo", "allowed", "terminal", "stage", "allowedTo", "by",
  "task", "subject", "body", "assignee", "dueInBusinessDays", "priority", "ownerId",
  "createdIn", "enforcement", "requireApproval", "approvers", "approvalMode", "comment", "restrictEdits", "stages", "userId",
];
