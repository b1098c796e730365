// Evaluation: one change against every compiled rule → violations (and, for explain, every rule's verdict + trace).
// Synchronous and pure; never throws — any input shape is sanitised first, and CEL errors become values.
import { planActions } from "./actions";
import { checkTransition } from "./check-transition";
import { checkActor, checkRequirements, checkScope, checkTrigger, findException, runCel, type Failure, type Trace } from "./checks";
import { checkApproval, checkCreatedIn, checkRestrictEdits } from "./checks-gates";
import { createChangeContext, sanitizeChange, type ChangeContext } from "./context";
import { isInternalSet, type InternalPolicySet, type PolicyPlan, type RulePlan } from "./plan";
import { renderTemplate } from "./template";
import { valueOriginsStep } from "./value-origins";
import type { CompiledPolicySet, DealChange, Evaluation, EvaluateOptions, RuleOutcome, RuleVerdict, Violation } from "./types";

/** Evaluates one deal change against every policy in the set. Returns the violations; never throws. */
export function evaluateChange(set: CompiledPolicySet, change: DealChange, options: EvaluateOptions): Evaluation {
  const evaluation: Evaluation = { violations: [], evaluated: [] };
  if (!isInternalSet(set)) return evaluation;
  const ctx = createChangeContext(set, sanitizeChange(change), sanitizeNow(options));
  for (const policy of set.plans) {
    let inScope: boolean | null = null;
    for (const rule of policy.rules) {
      try {
        if (!checkTrigger(rule, ctx, null)) continue;
        inScope ??= checkScope(policy, ctx, null);
        if (!inScope) continue;
        const outcome = judgeRule(set, policy, rule, ctx, null);
        if (outcome.outcome === "violated") {
          // Re-run with tracing on: only violations pay for the explanation.
          const trace: NonNullable<Trace> = [];
          checkTrigger(rule, ctx, trace);
          checkScope(policy, ctx, trace);
          const traced = judgeRule(set, policy, rule, ctx, trace);
          if (traced.violation !== null) evaluation.violations.push(traced.violation);
          evaluation.evaluated.push({ policyId: policy.id, ruleId: rule.id, passed: false });
        } else if (outcome.outcome !== "not-triggered") {
          evaluation.evaluated.push({ policyId: policy.id, ruleId: rule.id, passed: true, ...(outcome.outcome === "excepted" ? { excepted: true as const } : {}) });
        }
      } catch (error) {
        // Inputs are sanitised and CEL errors are values, so this is a bug; report it as a value, keep evaluating.
        (evaluation.errors ??= []).push({ policyId: policy.id, ruleId: rule.id, message: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return evaluation;
}

/** Every rule's verdict with its full trace, for `policies explain`. Never throws. */
export function explainChange(set: CompiledPolicySet, change: DealChange, options: EvaluateOptions): RuleVerdict[] {
  if (!isInternalSet(set)) return [];
  const verdicts: RuleVerdict[] = [];
  const ctx = createChangeContext(set, sanitizeChange(change), sanitizeNow(options));
  for (const policy of set.plans) {
    for (const rule of policy.rules) {
      const trace: NonNullable<Trace> = [];
      let result: { outcome: RuleOutcome; violation: Violation | null };
      try {
        if (!checkTrigger(rule, ctx, trace)) result = { outcome: "not-triggered", violation: null };
        else if (!checkScope(policy, ctx, trace)) result = { outcome: "out-of-scope", violation: null };
        else result = judgeRule(set, policy, rule, ctx, trace);
      } catch (error) {
        trace.push({ check: "internal", passed: false, values: {}, detail: String(error) });
        result = { outcome: "error", violation: null };
      }
      verdicts.push({ policyId: policy.id, policyVersion: policy.version, ruleId: rule.id, outcome: result.outcome, trace, violation: result.violation });
    }
  }
  return verdicts;
}

function sanitizeNow(options: EvaluateOptions): number {
  const now = typeof options === "object" && options !== null ? options.now : NaN;
  return typeof now === "number" && Number.isFinite(now) ? now : 0;
}

/** A triggered, in-scope rule: actor filters, exceptions, `when`, then the checks. */
export function judgeRule(set: InternalPolicySet, policy: PolicyPlan, rule: RulePlan, ctx: ChangeContext, trace: Trace): { outcome: RuleOutcome; violation: Violation | null } {
  if (!checkActor(rule, ctx, trace)) return { outcome: "exempt", violation: null };
  if (findException(rule, ctx, trace) !== null) return { outcome: "excepted", violation: null };
  if (rule.when !== null && runCel(rule.when, ctx, "when", trace) !== true) return { outcome: "not-triggered", violation: null };
  const failures: Failure[] = [];
  const base = {
    change: ctx.change, from: ctx.from, to: ctx.to, missing: [], failures: [],
    policyId: policy.id, ruleId: rule.id, severity: rule.severity, mode: rule.mode, now: ctx.now, index: set.index,
  };
  if (rule.transition !== null) {
    const pipeline = ctx.to === null ? undefined : set.index.pipelines.get(ctx.to.pipelineId);
    checkTransition(rule.transition, pipeline?.ordered ?? [], ctx, trace, failures);
  }
  checkCreatedIn(rule, ctx, trace, failures);
  if (rule.approval !== null) checkApproval(rule.approval, ctx, trace, failures);
  if (rule.restrictEdits !== null) checkRestrictEdits(rule.restrictEdits, ctx, trace, failures);
  checkRequirements(rule, ctx, trace, failures);
  if (rule.assert !== null) {
    // Reps and managers read the admin's sentence (or the rule's description), never the CEL itself.
    const sentence = rule.explain !== null ? renderTemplate(rule.explain, base) : (rule.description ?? null);
    const result = runCel(rule.assert, ctx, "assert", trace, sentence);
    if (result !== true) {
      const detail = sentence === null
        ? result instanceof Error ? "a condition of this rule could not be checked" : "a condition of this rule is not met"
        : `${result instanceof Error ? "could not check" : "expected"}: ${lowerFirst(sentence)}`;
      failures.push({ detail, missing: [] });
    }
  }
  if (failures.length === 0) return { outcome: "passed", violation: null };
  if (trace === null) return { outcome: "violated", violation: null };
  const origins = valueOriginsStep(ctx.change, trace);
  if (origins !== null) trace.push(origins);
  const missing = [...new Set(failures.flatMap((f) => f.missing))];
  const input = { ...base, missing, failures: failures.map((f) => f.detail) };
  const rendered = renderTemplate(rule.message, input);
  // A message that opens with the failures (the default) starts a sentence: capitalise it.
  const message = /^\{\{\s*(failures|missing)/.test(rule.message.source) ? upperFirst(rendered) : rendered;
  return {
    outcome: "violated",
    violation: {
      policyId: policy.id,
      policyVersion: policy.version,
      ruleId: rule.id,
      severity: rule.severity,
      mode: rule.mode,
      message,
      missing,
      actions: planActions(rule, ctx, input, message),
      trace,
    },
  };
}

/** "The close date is set" → "the close date is set" (mid-sentence); keeps acronyms like "CRM" as they are. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]?.toLowerCase() + text.slice(1) : text;
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
