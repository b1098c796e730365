// Stage-move rules (a `transition`: skips, backward moves, terminal stages) and what ends their violations. A move
// can't be undone by moving on: the deal complies again only when one move from the stage it last left compliantly
// (the violation's from-stage, its "anchor") to where it is now would itself be allowed. Pure; never throws.
import { checkTransition } from "./check-transition";
import { checkScope, checkTrigger, findException, runCel, type Failure } from "./checks";
import { createChangeContext, sanitizeChange } from "./context";
import { judgeRule } from "./evaluate";
import { isInternalSet, type InternalPolicySet, type PolicyPlan, type RulePlan } from "./plan";
import type { CompiledPolicySet, DealChange, EvaluateOptions, Violation, ViolationRef } from "./types";

/** The deal left `stageId` (in `pipelineId`) compliantly: a move rule's violations are judged from there. */
export interface MoveAnchor {
  stageId: string;
  pipelineId: string | null;
}

function findRule(set: InternalPolicySet, policyId: string, ruleId: string): { policy: PolicyPlan; rule: RulePlan } | null {
  const policy = set.plans.find((p) => p.id === policyId);
  const rule = policy?.rules.find((r) => r.id === ruleId);
  return policy === undefined || rule === undefined ? null : { policy, rule };
}

/** True when the rule judges stage moves (it has a `transition`). */
export function isMoveRule(set: CompiledPolicySet, ref: Pick<ViolationRef, "policyId" | "ruleId">): boolean {
  if (!isInternalSet(set)) return false;
  return findRule(set, ref.policyId, ref.ruleId)?.rule.transition != null;
}

/** The change seen as one move from the anchor to where it landed (its own actor, time and changed properties). */
export function anchoredChange(change: DealChange, anchor: MoveAnchor): DealChange {
  return {
    ...change,
    kind: change.kind === "scan" ? "updated" : change.kind,
    fromStage: anchor.stageId,
    fromPipelineId: anchor.pipelineId ?? change.pipelineId,
    old: { ...change.old, dealstage: anchor.stageId, ...(anchor.pipelineId === null ? {} : { pipeline: anchor.pipelineId }) },
  };
}

/**
 * Does the deal, as `current` leaves it, comply again with the move rule it broke when leaving `anchor`? Yes when it
 * is back at the anchor, or when one move anchor → current stage by `current`'s actor would pass the rule's
 * transition check (e.g. a skip: back at or before a stage the rule allows; a terminal stage: back in it, or moved
 * where the rule allows by whom it allows); when the rule no longer exists; or when an exception now covers it.
 * Moving further on never counts. null when the rule isn't a move rule (the caller re-checks it another way).
 */
export function moveComplies(set: CompiledPolicySet, ref: ViolationRef, anchor: MoveAnchor, current: DealChange, options: EvaluateOptions): boolean | null {
  try {
    if (!isInternalSet(set)) return false;
    const found = findRule(set, ref.policyId, ref.ruleId);
    if (found === null) return true;
    const { rule } = found;
    if (rule.transition === null) return null;
    const change = sanitizeChange(current);
    if (change.toStage === anchor.stageId) return true;
    if (change.toStage === null) return false;
    const now = typeof options?.now === "number" && Number.isFinite(options.now) ? options.now : 0;
    const ctx = createChangeContext(set, anchoredChange(change, anchor), now);
    if (findException(rule, ctx, null) !== null) return true;
    // `when` decides whether the rule applies to the move (e.g. "unless the next step was updated").
    if (rule.when !== null && runCel(rule.when, ctx, "when", null) !== true) return true;
    const pipeline = ctx.to === null ? undefined : set.index.pipelines.get(ctx.to.pipelineId);
    const failures: Failure[] = [];
    checkTransition(rule.transition, pipeline?.ordered ?? [], ctx, null, failures);
    return failures.length === 0;
  } catch (error) {
    void error;
    return false;
  }
}

/**
 * A later move of a deal that still violates a move rule, judged as one move from the anchor: the violation this
 * move makes (its revert goes back to the anchor, the last compliant stage), or null when the rule isn't triggered,
 * is out of scope, exempt or passes. Never throws.
 */
export function judgeMoveFrom(set: CompiledPolicySet, ref: Pick<ViolationRef, "policyId" | "ruleId">, change: DealChange, anchor: MoveAnchor, options: EvaluateOptions): Violation | null {
  try {
    if (!isInternalSet(set)) return null;
    const found = findRule(set, ref.policyId, ref.ruleId);
    if (found === null || found.rule.transition === null) return null;
    const now = typeof options?.now === "number" && Number.isFinite(options.now) ? options.now : 0;
    const ctx = createChangeContext(set, anchoredChange(sanitizeChange(change), anchor), now);
    const trace: NonNullable<Parameters<typeof checkTrigger>[2]> = [];
    if (!checkTrigger(found.rule, ctx, trace) || !checkScope(found.policy, ctx, trace)) return null;
    const judged = judgeRule(set, found.policy, found.rule, ctx, trace);
    if (judged.violation === null) return null;
    trace.unshift({
      check: "anchor",
      passed: true,
      values: { anchorStage: anchor.stageId, fromStage: change.fromStage, toStage: change.toStage },
      detail: `the deal was still violating this rule: the move is judged from ${anchor.stageId}, the last stage it left compliantly`,
    });
    return judged.violation;
  } catch (error) {
    void error;
    return null;
  }
}
