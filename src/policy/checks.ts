// The individual checks a rule is made of: trigger, scope, actor, exceptions, transition, requirements, associations,
// CEL. Each returns its verdict and, when a trace array is passed, records a step with the values it saw.
import type { ChangeContext } from "./context";
import type { ActorMatcher, ExceptionPlan, PolicyPlan, RequirementPlan, RulePlan, StageSet } from "./plan";
import { firesRestrictEdits } from "./checks-gates";
import { runCel } from "./run-cel";
import { readRaw } from "./template";
import type { TraceStep } from "./types";
import { convertValue } from "./values";
import { associationWords, requirementWords } from "./wording";

export type Trace = TraceStep[] | null;

export { readPath, runCel } from "./run-cel";

const inSet = (set: StageSet, id: string | null): boolean => set === "any" || (set !== null && id !== null && set.has(id));

/** Does this change fire the rule? scan changes fire only `scan` rules; creation counts as entering its stage. */
export function checkTrigger(rule: RulePlan, ctx: ChangeContext, trace: Trace): boolean {
  const t = rule.triggers;
  const { change } = ctx;
  let why = "";
  if (change.kind === "scan") {
    if (t.scan) why = "scan";
  } else if (change.kind === "created") {
    if (t.created) why = "created";
    else if (inSet(t.entered, change.toStage)) why = "created in a watched stage";
    else if (t.properties !== null && intersectsList(t.properties, ctx.change.changedProperties)) why = "property set on create";
  } else if (ctx.stageChanged && inSet(t.entered, change.toStage)) why = "stage entered";
  else if (ctx.stageChanged && inSet(t.exited, change.fromStage)) why = "stage exited";
  else if (ctx.stageChanged && t.changed) why = "stage changed";
  else if (t.properties !== null && intersectsList(t.properties, ctx.change.changedProperties)) why = "property changed";
  else if (firesRestrictEdits(rule, ctx)) why = "deal edited in a restricted stage";
  const fired = why !== "" && (rule.inStages === null || (change.toStage !== null && rule.inStages.has(change.toStage)));
  trace?.push({
    check: "trigger",
    passed: fired,
    values: { kind: change.kind, fromStage: change.fromStage, toStage: change.toStage, changedProperties: change.changedProperties },
    detail: fired ? `fired: ${why}` : why === "" ? "no trigger matched" : "current stage not in inStages",
  });
  return fired;
}

/** Is the deal inside the policy's scope (pipelines, owners, teams, condition)? */
export function checkScope(policy: PolicyPlan, ctx: ChangeContext, trace: Trace): boolean {
  const s = policy.scope;
  const { change } = ctx;
  if (s.pipelines !== null && (change.pipelineId === null || !s.pipelines.has(change.pipelineId))) {
    return failScope(trace, "scope.pipelines", { pipelineId: change.pipelineId, pipelines: [...s.pipelines] }, "deal is in another pipeline");
  }
  if (s.ownersInclude !== null && (change.ownerId === null || !s.ownersInclude.has(change.ownerId))) {
    return failScope(trace, "scope.owners", { ownerId: change.ownerId }, "owner not included");
  }
  if (s.ownersExclude !== null && change.ownerId !== null && s.ownersExclude.has(change.ownerId)) {
    return failScope(trace, "scope.owners", { ownerId: change.ownerId }, "owner excluded");
  }
  if (s.teamsInclude !== null && !intersects(change.ownerTeamIds, s.teamsInclude)) {
    return failScope(trace, "scope.teams", { ownerTeamIds: change.ownerTeamIds }, "owner's teams not included");
  }
  if (s.teamsExclude !== null && intersects(change.ownerTeamIds, s.teamsExclude)) {
    return failScope(trace, "scope.teams", { ownerTeamIds: change.ownerTeamIds }, "owner's team excluded");
  }
  if (s.when !== null && runCel(s.when, ctx, "scope.when", trace) !== true) return false;
  trace?.push({ check: "scope", passed: true, values: { pipelineId: change.pipelineId, ownerId: change.ownerId }, detail: "in scope" });
  return true;
}

function failScope(trace: Trace, check: string, values: Record<string, unknown>, detail: string): false {
  trace?.push({ check, passed: false, values, detail });
  return false;
}

function intersectsList(a: readonly string[], b: readonly string[]): boolean {
  for (const item of a) if (b.includes(item)) return true;
  return false;
}

function intersects(items: readonly string[], set: ReadonlySet<string>): boolean {
  for (const item of items) if (set.has(item)) return true;
  return false;
}

export function matchesActor(m: ActorMatcher, ctx: ChangeContext): boolean {
  const a = ctx.change.actor;
  if (m.users !== null && (a.userId === null || !m.users.has(a.userId))) return false;
  if (m.teams !== null && !intersects(a.teamIds, m.teams)) return false;
  if (m.sources !== null && !m.sources.has(ctx.source)) return false;
  if (m.managers !== null && a.isManager !== m.managers) return false;
  if (m.owner !== null && a.isDealOwner !== m.owner) return false;
  return true;
}

/** appliesTo (must match one) and exempt (must match none). */
export function checkActor(rule: RulePlan, ctx: ChangeContext, trace: Trace): boolean {
  if (rule.appliesTo !== null && !matchesAny(rule.appliesTo, ctx)) {
    trace?.push({ check: "appliesTo", passed: false, values: actorValues(ctx), detail: `applies only to ${rule.appliesTo.map((m) => m.text).join(" | ")}` });
    return false;
  }
  for (const m of rule.exempt) {
    if (!matchesActor(m, ctx)) continue;
    trace?.push({ check: "exempt", passed: false, values: actorValues(ctx), detail: `exempt: ${m.text}` });
    return false;
  }
  return true;
}

function matchesAny(matchers: readonly ActorMatcher[], ctx: ChangeContext): boolean {
  for (const m of matchers) if (matchesActor(m, ctx)) return true;
  return false;
}

function actorValues(ctx: ChangeContext): Record<string, unknown> {
  const a = ctx.change.actor;
  return { userId: a.userId, source: ctx.source, changeSource: a.changeSource, isManager: a.isManager, isDealOwner: a.isDealOwner };
}

/** Returns the active exception covering this change, if any (expired ones are noted in the trace and ignored). */
export function findException(rule: RulePlan, ctx: ChangeContext, trace: Trace): ExceptionPlan | null {
  const { change } = ctx;
  for (const e of rule.exceptions) {
    const covers =
      (e.users !== null && change.actor.userId !== null && e.users.has(change.actor.userId)) ||
      (e.teams !== null && [...change.actor.teamIds, ...change.ownerTeamIds].some((t) => e.teams?.has(t))) ||
      (e.deals !== null && e.deals.has(change.dealId));
    if (!covers) continue;
    const active = ctx.now < e.expiresAt;
    trace?.push({
      check: "exception",
      passed: !active,
      values: { reason: e.reason, expires: e.expires, now: ctx.now },
      detail: active ? `excepted until ${e.expires}: ${e.reason}` : `exception expired ${e.expires} (${e.reason}) — no longer applies`,
    });
    if (active) return e;
  }
  return null;
}

export interface Failure {
  detail: string;
  missing: string[];
}

export function matchesRequirement(req: RequirementPlan, raw: string | null): boolean {
  const typed = convertValue(req.type, raw);
  if (req.equals === null) return typed !== undefined;
  if (typed === undefined) return false;
  switch (req.type) {
    case "bool":
      return typed === (req.equals === true || String(req.equals).toLowerCase() === "true");
    case "number":
    case "date":
    case "datetime":
      return typed === Number(req.equals);
    case "string":
    case "enumeration":
      return raw === String(req.equals);
  }
}

export function checkRequirements(rule: RulePlan, ctx: ChangeContext, trace: Trace, failures: Failure[]): void {
  for (const req of rule.require) {
    const raw = readRaw(ctx.change.new, req.property);
    const ok = matchesRequirement(req, raw);
    const expected = requirementWords(req);
    const is = raw === null || raw.trim() === "" ? "is empty" : `is ${JSON.stringify(raw)}`;
    trace?.push({ check: "require", expression: `${req.property} ${req.equals === null ? "non-empty" : `= ${String(req.equals)}`}`, passed: ok, values: { property: req.property, value: raw, expected: req.equals }, detail: ok ? `${req.label} ${expected}: yes` : `${req.label} must ${expected}, and ${is}` });
    if (!ok) failures.push({ detail: `${req.label} must ${expected}`, missing: [req.property] });
  }
  for (const a of rule.associations) {
    const have = ctx.change.associations[a.kind];
    const ok = have >= a.min;
    const needed = associationWords(a.kind, a.min);
    trace?.push({ check: "associations", expression: `${a.kind} >= ${a.min}`, passed: ok, values: { kind: a.kind, count: have, min: a.min }, detail: ok ? `has ${needed}` : `needs ${needed}, has ${have}` });
    if (!ok) failures.push({ detail: `the deal needs ${needed}`, missing: [`association:${a.kind}`] });
  }
}
