// A deal that still violates a move rule is judged on its next move as if it moved from the last stage it left
// compliantly (the open violation's from-stage): a second quick move can't walk around a stage rule, and the revert
// goes back to that stage. Pure.
import { judgeMoveFrom, isMoveRule, type CompiledPolicySet, type DealChange, type MoveAnchor, type Violation } from "../policy";
import type { OpenViolation } from "./snapshot";

export interface AnchoredRule {
  policyId: string;
  ruleId: string;
  anchor: MoveAnchor;
}

/** Per move rule with an open violation on the deal, the stage of its oldest one: where its chain of moves began. */
export function moveAnchors(set: CompiledPolicySet, open: readonly OpenViolation[]): AnchoredRule[] {
  const out = new Map<string, AnchoredRule & { at: number }>();
  for (const v of open) {
    if (v.fromStage === null || !isMoveRule(set, v)) continue;
    const key = `${v.policyId}\u0000${v.ruleId}`;
    const prev = out.get(key);
    if (prev === undefined || v.occurredAt < prev.at) {
      out.set(key, { policyId: v.policyId, ruleId: v.ruleId, anchor: { stageId: v.fromStage, pipelineId: v.fromPipelineId }, at: v.occurredAt });
    }
  }
  return [...out.values()].map(({ policyId, ruleId, anchor }) => ({ policyId, ruleId, anchor }));
}

export interface JudgedViolation {
  violation: Violation;
  /** Set when the move was judged from an anchor instead of the stage it actually left. */
  anchor: MoveAnchor | null;
}

/**
 * The change's violations with each anchored rule judged from its anchor instead: the plain verdict of such a rule
 * (from the stage the deal actually left, itself a violating stage) is replaced by the anchored one.
 */
export function judgeAnchoredMoves(set: CompiledPolicySet, change: DealChange, plain: readonly Violation[], anchors: readonly AnchoredRule[], now: number): JudgedViolation[] {
  if (anchors.length === 0) return plain.map((violation) => ({ violation, anchor: null }));
  const anchored = (v: { policyId: string; ruleId: string }) => anchors.some((a) => a.policyId === v.policyId && a.ruleId === v.ruleId);
  const out: JudgedViolation[] = plain.filter((v) => !anchored(v)).map((violation) => ({ violation, anchor: null }));
  for (const a of anchors) {
    const violation = judgeMoveFrom(set, a, change, a.anchor, { now });
    if (violation !== null) out.push({ violation, anchor: a.anchor });
  }
  return out;
}
