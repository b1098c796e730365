// One validated policy document → its executable plan: names resolved, CEL parsed and type-checked, templates checked.
// Problems are reported through the CompileContext (positioned); nothing here throws.
import { compileCel, type CompileInput } from "./compile-cel";
import type { PathSegment } from "./load";
import type { ActionPlan, CompileContext, PolicyPlan, RulePlan, TaskPlan, TemplatePlan, TransitionPlan } from "./plan";
import {
  normalizeUserId, resolveActorMatcher, resolveException, resolvePipelines, resolveProperty, resolveRequirements, resolveStages,
  resolveStageTrigger,
} from "./resolve";
import type { ActionDoc, RuleDoc, TransitionDoc } from "./schema";
import { approvalTask, compileApproval, compileRestrictEdits } from "./compile-gates";
import { compileTemplate } from "./template";
import type { Mode, Severity } from "./types";

type Path = readonly PathSegment[];


/** Compiles one policy. The plan is only usable when the context recorded no errors. */
export function compilePolicy(input: CompileInput): PolicyPlan {
  const { doc, index, ctx } = input;
  const pipelines = resolvePipelines(doc.scope?.pipelines, index, ctx, ["scope", "pipelines"]);
  const policyExceptions = (doc.exceptions ?? []).flatMap((e, i) => resolveException(e, ctx, ["exceptions", i], index.timeZone) ?? []);
  const policyExempt = (doc.exempt ?? []).map((m, i) => resolveActorMatcher(m, ctx, ["exempt", i]));
  const seen = new Map<string, number>();
  const rules = doc.rules.map((rule, i): RulePlan => {
    const first = seen.get(rule.id);
    if (first !== undefined) ctx.report("duplicate-id", ["rules", i, "id"], `duplicate rule id "${rule.id}" (also rules[${first}])`);
    else seen.set(rule.id, i);
    return compileRule(input, rule, ["rules", i], pipelines, {
      mode: doc.mode ?? "audit",
      severity: doc.severity ?? "warning",
      exceptions: policyExceptions,
      exempt: policyExempt,
    });
  });
  const scope = doc.scope;
  return {
    id: doc.id,
    version: input.version,
    file: input.file,
    description: doc.description,
    mode: doc.mode ?? "audit",
    scope: {
      pipelines,
      ownersInclude: scope?.owners?.include ? new Set(scope.owners.include) : null,
      ownersExclude: scope?.owners?.exclude ? new Set(scope.owners.exclude) : null,
      teamsInclude: scope?.teams?.include ? new Set(scope.teams.include) : null,
      teamsExclude: scope?.teams?.exclude ? new Set(scope.teams.exclude) : null,
      when: scope?.when === undefined ? null : compileCel(input, scope.when, ["scope", "when"]),
    },
    rules,
  };
}

interface Inherited {
  mode: Mode;
  severity: Severity;
  exceptions: RulePlan["exceptions"];
  exempt: RulePlan["exempt"];
}

function compileRule(input: CompileInput, rule: RuleDoc, path: Path, pipelines: ReadonlySet<string> | null, inherited: Inherited): RulePlan {
  const { index, ctx } = input;
  const on = rule.on ?? {};
  const approval = rule.requireApproval ? compileApproval(input, rule.requireApproval, pipelines, [...path, "requireApproval"]) : null;
  const restrictEdits = rule.restrictEdits ? compileRestrictEdits(input, rule.restrictEdits, pipelines, [...path, "restrictEdits"]) : null;
  const properties = on.propertyChanged === undefined ? null : typeof on.propertyChanged === "string" ? [on.propertyChanged] : on.propertyChanged;
  properties?.forEach((name, i) => resolveProperty(name, index, ctx, typeof on.propertyChanged === "string" ? [...path, "on", "propertyChanged"] : [...path, "on", "propertyChanged", i]));
  const triggers = {
    created: on.created === true,
    // An approval rule without `on` fires when its stage is entered.
    entered: on.stageEntered === undefined && approval !== null ? approval.stages : resolveStageTrigger(on.stageEntered, pipelines, index, ctx, [...path, "on", "stageEntered"]),
    exited: resolveStageTrigger(on.stageExited, pipelines, index, ctx, [...path, "on", "stageExited"]),
    changed: on.stageChanged === true,
    properties,
    scan: on.scan === true,
  };
  const severity = rule.severity ?? inherited.severity;
  const explain = rule.explain === undefined ? null : compileTemplate(rule.explain, index, ctx, [...path, "explain"]);
  // Without a message, reps read the rule's own sentence, else what failed — never its id.
  const message = rule.message !== undefined
    ? compileTemplate(rule.message, index, ctx, [...path, "message"])
    : compileTemplate(rule.explain ?? "{{failures}}", index, SILENT, []);
  const actions = rule.actions === undefined && approval !== null
    ? [{ type: "task" as const, task: approvalTask(input, approval) }, { type: "revert" as const, task: null }]
    : (rule.actions ?? ["log"]).map((a, i) => compileAction(input, a, [...path, "actions", i], message, severity));
  const movesStage = triggers.entered !== null || triggers.exited !== null || triggers.changed;
  actions.forEach((a, i) => {
    if (a.type === "revert" && !movesStage) {
      ctx.report("schema", [...path, "actions", i], "revert needs a stage trigger (stageEntered, stageExited or stageChanged)");
    }
  });
  return {
    policyId: input.doc.id,
    policyVersion: input.version,
    id: rule.id,
    description: rule.description,
    enforcement: rule.enforcement ?? "engine",
    mode: rule.mode ?? inherited.mode,
    severity,
    triggers,
    inStages: rule.inStages ? resolveStages(rule.inStages, pipelines, index, ctx, [...path, "inStages"]) : null,
    when: rule.when === undefined ? null : compileCel(input, rule.when, [...path, "when"]),
    assert: rule.assert === undefined ? null : compileCel(input, rule.assert, [...path, "assert"]),
    require: resolveRequirements(rule.require, index, ctx, [...path, "require"]),
    associations: (["contacts", "companies", "line_items"] as const).flatMap((kind) => {
      const min = rule.associations?.[kind];
      return min === undefined ? [] : [{ kind, min }];
    }),
    transition: rule.transition ? compileTransition(rule.transition, pipelines, input, [...path, "transition"]) : null,
    approval,
    restrictEdits,
    explicitTriggers: rule.on !== undefined,
    appliesTo: rule.appliesTo ? rule.appliesTo.map((m, i) => resolveActorMatcher(m, ctx, [...path, "appliesTo", i])) : null,
    exempt: [...inherited.exempt, ...(rule.exempt ?? []).map((m, i) => resolveActorMatcher(m, ctx, [...path, "exempt", i]))],
    exceptions: [...inherited.exceptions, ...(rule.exceptions ?? []).flatMap((e, i) => resolveException(e, ctx, [...path, "exceptions", i], input.index.timeZone) ?? [])],
    message,
    explain,
    actions,
  };
}

function compileTransition(doc: TransitionDoc, pipelines: ReadonlySet<string> | null, input: CompileInput, path: Path): TransitionPlan {
  const { index, ctx } = input;
  const stages = (names: readonly string[], at: Path): Set<string> => resolveStages(names, pipelines, index, ctx, at);
  const allowed = new Map<string, Set<string>>();
  for (const [from, targets] of Object.entries(doc.allowed ?? {})) {
    const fromIds = resolveStages([from], pipelines, index, ctx, [...path, "allowed", from], true);
    const toIds = stages(targets, [...path, "allowed", from]);
    for (const id of fromIds) allowed.set(id, toIds);
  }
  return {
    maxSkip: doc.maxSkip ?? null,
    allowSkipToClosed: doc.allowSkipToClosed ?? true,
    backward: doc.backward ?? "allow",
    backwardAllowedTo: stages(doc.backwardAllowedTo ?? [], [...path, "backwardAllowedTo"]),
    allowed,
    terminal: (doc.terminal ?? []).map((t, i) => ({
      stages: resolveStages([t.stage], pipelines, index, ctx, [...path, "terminal", i, "stage"], true),
      label: t.stage,
      allowedTo: stages(t.allowedTo ?? [], [...path, "terminal", i, "allowedTo"]),
      by: t.by ? resolveActorMatcher(t.by, ctx, [...path, "terminal", i, "by"]) : null,
    })),
    createdIn: doc.createdIn ? stages(doc.createdIn, [...path, "createdIn"]) : null,
  };
}

function compileAction(input: CompileInput, doc: ActionDoc, path: Path, message: TemplatePlan, severity: Severity): ActionPlan {
  if (typeof doc === "string") {
    return { type: doc, task: doc === "task" ? compileTask(input, {}, path, message, severity) : null };
  }
  return { type: "task", task: compileTask(input, doc.task, [...path, "task"], message, severity) };
}

/** Reports nothing: for templates derived from the rule's message, which was already checked. */
const SILENT: CompileContext = { file: "", report: () => undefined };

function compileTask(input: CompileInput, doc: Extract<ActionDoc, { task: unknown }>["task"], path: Path, message: TemplatePlan, severity: Severity): TaskPlan {
  const { index, ctx } = input;
  const assignee = doc.assignee;
  return {
    subject: doc.subject === undefined ? message : compileTemplate(doc.subject, index, ctx, [...path, "subject"]),
    body: doc.body === undefined
      ? compileTemplate(`${message.source}\n\nWhat to fix: {{failures}}`, index, SILENT, [])
      : compileTemplate(doc.body, index, ctx, [...path, "body"]),
    assignee: assignee === undefined || assignee === "owner" ? { kind: "owner" } : assignee === "manager" ? { kind: "manager" }
      : "userId" in assignee ? { kind: "user-id", userId: normalizeUserId(assignee.userId) } : { kind: "owner-id", ownerId: assignee.ownerId },
    dueInBusinessDays: doc.dueInBusinessDays ?? 1,
    priority: doc.priority ?? (severity === "critical" ? "HIGH" : severity === "warning" ? "MEDIUM" : "LOW"),
  };
}
