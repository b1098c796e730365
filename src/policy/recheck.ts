// Remediation: is a deal, in its current state, now compliant with a rule it once violated?
import { checkRequirements, checkScope, findException, runCel, type Failure } from "./checks";
import { createChangeContext, sanitizeChange } from "./context";
import { moveComplies } from "./move-compliance";
import { skipMadeGood } from "./skipped-criteria";
import { isInternalSet } from "./plan";
import type { CompiledPolicySet, DealChange, EvaluateOptions, ViolationRef } from "./types";

/**
 * True when the violation no longer holds: the policy/rule is gone; the deal left the stage the violation was about;
 * it left the policy's scope; an exception now covers it; its `when` no longer holds; or the rule's
 * entry requirements and assertion are now met. Stage-move checks (transition) are about a past move: once the deal
 * has moved on (or been reverted) they count as resolved. `current` describes the deal now (typically kind "scan",
 * fromStage null, toStage = current stage). A past move (transition, or an assert
 * reading old/change.from) is only resolved by leaving the stage. A move rule (transition) whose violation knows the
 * stage the deal left is judged by `moveComplies`, and a skip also by `skipMadeGood` (a change that makes the deal
 * meet the skipped stages' entry criteria): moving further on never resolves it. Pure; never throws — on any
 * internal problem it answers false.
 */
export function recheckViolation(set: CompiledPolicySet, violation: ViolationRef, current: DealChange, options: EvaluateOptions): boolean {
  try {
    if (!isInternalSet(set)) return false;
    const policy = set.plans.find((p) => p.id === violation.policyId);
    const rule = policy?.rules.find((r) => r.id === violation.ruleId);
    if (policy === undefined || rule === undefined) return true;
    if (rule.transition !== null && typeof violation.fromStage === "string") {
      const anchor = { stageId: violation.fromStage, pipelineId: violation.fromPipelineId ?? null };
      // A skip is also made good by a change that makes the deal meet the skipped stages' entry criteria (skipped-criteria.ts).
      return moveComplies(set, violation, anchor, current, options) === true || skipMadeGood(set, violation, anchor, current, options);
    }
    const change = sanitizeChange(current);
    if (violation.toStage !== null && change.toStage !== violation.toStage) return true;
    const now = typeof options?.now === "number" && Number.isFinite(options.now) ? options.now : 0;
    // Judge the deal as it stands: no stage move, nothing "changed" — only its current values count.
    const ctx = createChangeContext(set, { ...change, kind: "scan", fromStage: null, changedProperties: [] }, now);
    if (!checkScope(policy, ctx, null)) return true;
    if (findException(rule, ctx, null) !== null) return true;
    if (rule.when !== null && runCel(rule.when, ctx, "when", null) !== true) return true;
    // An unapproved entry into a gated stage is fixed by the approval (HubSpot's status, an input) or by leaving.
    if (rule.approval !== null) return change.approval === "APPROVED";
    // A past move (transition checks, or an assert about the move itself) can't be fixed by editing the deal: it
    // stays open until the deal leaves the stage it landed in (handled above).
    if (rule.transition !== null || (rule.assert !== null && readsTheMove(rule.assert.paths))) return false;
    const failures: Failure[] = [];
    checkRequirements(rule, ctx, null, failures);
    if (rule.assert !== null && runCel(rule.assert, ctx, "assert", null) !== true) failures.push({ detail: "assert", missing: [] });
    return failures.length === 0;
  } catch (error) {
    void error;
    return false;
  }
}

function readsTheMove(paths: readonly string[]): boolean {
  return paths.some((p) => /^(old\.|change\.(from|kind|properties|stageChanged|pipelineChanged))/.test(p));
}
