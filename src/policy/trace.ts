// Trace replay: recompute a violation's failed checks from the values its trace recorded, without the original
// change. Used to prove (in tests) that an explanation is faithful: the recorded values alone reproduce the verdict.
import { countSkipped } from "./check-transition";
import { matchesActor, matchesRequirement } from "./checks";
import type { ChangeContext } from "./context";
import { ACTOR_FIELDS, CHANGE_FIELDS, DEAL_INFO_FIELDS, STAGE_FIELDS } from "./cel-env";
import { isInternalSet, type InternalPolicySet } from "./plan";
import type { ChangeSourceKind, CompiledPolicySet, TraceStep, Violation } from "./types";

/** True when every failed step of the violation's trace, recomputed from its recorded values, fails again. */
export function replayViolation(set: CompiledPolicySet, violation: Violation): boolean {
  if (!isInternalSet(set)) return false;
  const failed = violation.trace.filter((s) => !s.passed);
  if (failed.length === 0) return false;
  return failed.every((step) => replayStep(set, violation, step) === false);
}

/** Recomputes one step's verdict from its values: true/false, or null when the step kind can't be replayed. */
export function replayStep(set: InternalPolicySet, violation: Violation, step: TraceStep): boolean | null {
  const v = step.values;
  const num = (x: unknown): number => (typeof x === "number" ? x : NaN);
  switch (step.check) {
    case "require": {
      const property = String(v.property);
      const type = set.index.properties.get(property)?.type;
      if (type === undefined) return null;
      const expected = v.expected;
      const equals = typeof expected === "string" || typeof expected === "number" || typeof expected === "boolean" ? expected : null;
      return matchesRequirement({ property, label: property, type, equals }, typeof v.value === "string" ? v.value : null);
    }
    case "associations":
      return num(v.count) >= num(v.min);
    case "transition.backward":
      return !(num(v.toIndex) < num(v.fromIndex));
    case "transition.skip": {
      const pipeline = [...set.index.pipelines.values()].find((p) => p.stages.has(String(v.fromId)));
      const from = pipeline?.stages.get(String(v.fromId));
      const to = pipeline?.stages.get(String(v.toId));
      if (pipeline === undefined || from === undefined || to === undefined) return null;
      return countSkipped(pipeline.ordered, from, to) <= num(v.maxSkip);
    }
    case "transition.allowed":
      return Array.isArray(v.allowedTo) && v.allowedTo.includes(v.toId);
    case "transition.terminal":
      return replayTerminal(set, violation, v);
    case "assert":
    case "when":
    case "scope.when":
      return replayCel(set, step);
    default:
      return null;
  }
}

function replayTerminal(set: InternalPolicySet, violation: Violation, v: Record<string, unknown>): boolean | null {
  const rule = set.plans.find((p) => p.id === violation.policyId)?.rules.find((r) => r.id === violation.ruleId);
  const terminal = rule?.transition?.terminal.find((t) => t.stages.has(String(v.fromId)));
  if (terminal === undefined) return null;
  if (!terminal.allowedTo.has(String(v.toId))) return false;
  if (terminal.by === null) return true;
  const actor = {
    userId: typeof v.userId === "string" ? v.userId : null, ownerId: null, teamIds: Array.isArray(v.teamIds) ? v.teamIds.map(String) : [],
    isDealOwner: v.isDealOwner === true, isManager: v.isManager === true, changeSource: "", sourceId: null,
  };
  const ctx = { change: { actor }, source: String(v.source) as ChangeSourceKind } as unknown as ChangeContext;
  return matchesActor(terminal.by, ctx);
}

const TYPES: Record<string, Record<string, string>> = { change: CHANGE_FIELDS, actor: ACTOR_FIELDS, deal: DEAL_INFO_FIELDS, stage: STAGE_FIELDS };

function replayCel(set: InternalPolicySet, step: TraceStep): boolean | null {
  if (step.expression === undefined) return null;
  const run = set.cel.compile(step.expression);
  if (run === null) return null;
  const vars: Record<string, unknown> = {
    old: set.cel.makeDeal(), new: set.cel.makeDeal(), change: set.cel.makeChange(), actor: set.cel.makeActor(), deal: set.cel.makeDealInfo(), now: 0,
  };
  for (const [path, value] of Object.entries(step.values)) {
    if (path === "error" || value === null || value === undefined) continue;
    const keys = path.split(".");
    const root = keys[0] ?? "";
    if (keys.length === 1) {
      vars[root] = value;
      continue;
    }
    let node = vars[root] as Record<string, unknown> | undefined;
    let fields = TYPES[root];
    for (const key of keys.slice(1, -1)) {
      if (node === undefined) break;
      if (!(key in node)) node[key] = set.cel.makeStage();
      node = node[key] as Record<string, unknown>;
      fields = STAGE_FIELDS;
    }
    const last = keys[keys.length - 1] ?? "";
    if (node !== undefined) node[last] = fields?.[last] === "int" && typeof value === "number" ? BigInt(value) : value;
  }
  try {
    return run(vars) === true;
  } catch (error) {
    void error;
    return false;
  }
}
