// A skip made good: a `maxSkip` violation is also resolved by a later change that makes the deal meet the entry
// criteria of every stage it skipped, as the policy set defines them (its rules on entering that stage) — judged as
// if the deal had just entered each one from the stage before it, with that change's values, actor and time. "Makes":
// the criteria weren't met just before the change. Criteria the deal already met when it landed are no fix — `maxSkip`
// says no skipping, and an unrelated edit afterwards mustn't undo that (nor may when the engine happens to look).
// Never by moving further on: the deal must still be at or before the stage it landed in. Pure; never throws.
import { checkTransition } from "./check-transition";
import { checkScope, checkTrigger, type Failure } from "./checks";
import { createChangeContext, sanitizeChange } from "./context";
import { judgeRule } from "./evaluate";
import type { MoveAnchor } from "./move-compliance";
import { isInternalSet, type InternalPolicySet, type RulePlan } from "./plan";
import type { StageInfo } from "./portal-index";
import type { CompiledPolicySet, DealChange, EvaluateOptions, ViolationRef } from "./types";

/** How one skipped stage stands against its entry rules. */
export type EntryStanding = "met" | "unmet" | "no-criteria";

/**
 * True when `current` makes the skip `ref` good: the skipped stages' criteria are met as the change leaves the deal
 * (`skippedStagesMet`) and weren't just before it — its changed properties at their old values, its stage the one it
 * left, its association counts before (`associationsBefore`). A change that changes nothing (the deal as it is now, a
 * scan) never does.
 */
export function skipMadeGood(set: CompiledPolicySet, ref: ViolationRef, anchor: MoveAnchor, current: DealChange, options: EvaluateOptions): boolean {
  if (!skippedStagesMet(set, ref, anchor, current, options)) return false;
  return !skippedStagesMet(set, ref, anchor, stateBefore(sanitizeChange(current)), options);
}

/** The deal just before `change`: the changed properties' old values, the stage it left, the counts before. */
function stateBefore(change: DealChange): DealChange {
  const values = { ...change.new };
  for (const name of change.changedProperties) values[name] = change.old[name] ?? null;
  const toStage = change.fromStage ?? change.toStage;
  const pipelineId = change.fromStage === null ? change.pipelineId : change.fromPipelineId;
  return { ...change, toStage, pipelineId, new: { ...values, dealstage: toStage }, associations: change.associationsBefore ?? change.associations };
}

/**
 * True when the move rule `ref` broke was a skip (its only failing check, from `anchor` to where the deal is now, is
 * `maxSkip`), the deal is still at or before the stage the violation landed in, and every open stage skipped between
 * `anchor` and the deal's stage has entry criteria that the deal, as `current` leaves it, meets. A skipped stage no
 * rule sets criteria for can't be made good this way (the deal has to go back through it).
 */
export function skippedStagesMet(set: CompiledPolicySet, ref: ViolationRef, anchor: MoveAnchor, current: DealChange, options: EvaluateOptions): boolean {
  try {
    if (!isInternalSet(set)) return false;
    const rule = set.plans.find((p) => p.id === ref.policyId)?.rules.find((r) => r.id === ref.ruleId);
    if (rule?.transition == null || rule.transition.maxSkip === null) return false;
    const change = sanitizeChange(current);
    const now = typeof options?.now === "number" && Number.isFinite(options.now) ? options.now : 0;
    const skipped = skippedStages(set, ref, anchor, change);
    if (skipped === null || skipped.length === 0) return false;
    if (!failsOnlyTheSkip(set, rule, anchor, change, now)) return false;
    return skipped.every((s) => entryStanding(set, s.stage, s.before, change, now) === "met");
  } catch (error) {
    void error;
    return false;
  }
}

/** The open stages strictly between the anchor and the deal's stage, each with the stage before it; null when the
 *  deal isn't between them in the same pipeline (moved further on than where it landed, back, or elsewhere). */
function skippedStages(set: InternalPolicySet, ref: ViolationRef, anchor: MoveAnchor, change: DealChange): Array<{ stage: StageInfo; before: StageInfo }> | null {
  const pipeline = change.pipelineId === null ? undefined : set.index.pipelines.get(change.pipelineId);
  if (pipeline === undefined || (anchor.pipelineId !== null && anchor.pipelineId !== pipeline.id)) return null;
  const from = pipeline.stages.get(anchor.stageId);
  const at = change.toStage === null ? undefined : pipeline.stages.get(change.toStage);
  const landed = ref.toStage === null ? undefined : pipeline.stages.get(ref.toStage);
  if (from === undefined || at === undefined || landed === undefined) return null;
  if (at.index <= from.index || at.index > landed.index) return null;
  const out: Array<{ stage: StageInfo; before: StageInfo }> = [];
  for (const stage of pipeline.ordered) {
    const before = pipeline.ordered[stage.index - 1];
    if (stage.index > from.index && stage.index < at.index && !stage.isClosed && before !== undefined) out.push({ stage, before });
  }
  return out;
}

/** The move anchor → current stage breaks nothing in the rule's transition but the skip count. */
function failsOnlyTheSkip(set: InternalPolicySet, rule: RulePlan, anchor: MoveAnchor, change: DealChange, now: number): boolean {
  if (rule.transition === null) return false;
  const moved: DealChange = { ...change, kind: "updated", fromStage: anchor.stageId, fromPipelineId: anchor.pipelineId ?? change.pipelineId, old: { ...change.old, dealstage: anchor.stageId } };
  const ctx = createChangeContext(set, moved, now);
  const pipeline = ctx.to === null ? undefined : set.index.pipelines.get(ctx.to.pipelineId);
  const failures: Failure[] = [];
  checkTransition({ ...rule.transition, maxSkip: null }, pipeline?.ordered ?? [], ctx, null, failures);
  return failures.length === 0;
}

/**
 * Whether the deal meets `stage`'s entry criteria: every rule of the set that fires on entering it (and is in scope,
 * applies to the actor, isn't excepted) passes as if the deal had just moved `before` → `stage` with the change's
 * values — and at least one such rule exists. An approval gate can't be met after the fact: it counts as unmet.
 */
export function entryStanding(set: InternalPolicySet, stage: StageInfo, before: StageInfo, change: DealChange, now: number): EntryStanding {
  const entered: DealChange = {
    ...change,
    kind: "updated",
    pipelineId: stage.pipelineId,
    fromPipelineId: stage.pipelineId,
    fromStage: before.id,
    toStage: stage.id,
    changedProperties: ["dealstage"],
    old: { ...change.new, dealstage: before.id },
    new: { ...change.new, dealstage: stage.id },
  };
  const ctx = createChangeContext(set, entered, now);
  let applied = 0;
  for (const policy of set.plans) {
    for (const rule of policy.rules) {
      if (!entersStage(rule, stage.id) || !checkTrigger(rule, ctx, null) || !checkScope(policy, ctx, null)) continue;
      if (rule.approval !== null && rule.approval.stages.has(stage.id)) return "unmet";
      const judged = judgeRule(set, policy, rule, ctx, null);
      if (judged.outcome === "violated") return "unmet";
      if (judged.outcome === "passed") applied++;
    }
  }
  return applied > 0 ? "met" : "no-criteria";
}

/** A rule about entering this stage specifically (not a move rule, not "any stage"): what the stage asks of a deal. */
function entersStage(rule: RulePlan, stageId: string): boolean {
  const entered = rule.triggers.entered;
  return rule.transition === null && rule.restrictEdits === null && entered !== null && entered !== "any" && entered.has(stageId);
}
