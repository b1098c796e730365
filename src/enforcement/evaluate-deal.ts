// Evaluates one deal's ordered changes against the compiled policies: violations (with deterministic ids), the
// stage-transition log, close-date pushes, and which open violations the later changes (or the deal as it is
// now) fixed. Pure: no HubSpot, no D1, no clock.
import { anchoredChange, evaluateChange, type CompiledPolicySet, type DealChange, type Mode, type Violation } from "../policy";
import type { DealStateWrite } from "../store/deal-state";
import { deterministicId } from "../store/ids";
import type { CloseDateInsert, TransitionInsert } from "../store/transitions";
import type { Resolution } from "../store/violations";
import type { BuiltChange } from "./build-change";
import { judgeAnchoredMoves, moveAnchors } from "./move-anchors";
import type { PortalMetadata } from "./portal-metadata";
import { trackOpenViolations } from "./open-violations";
import { newlyBroken, type Rejudged } from "./rejudge";
import type { DealSnapshot } from "./snapshot";
import { unseenStageEntries } from "./stage-entries";

export interface DetectedViolation {
  id: string;
  violation: Violation;
  /** The violation's mode after POLICY_MODE_OVERRIDE. */
  mode: Mode;
  built: BuiltChange;
  /** The surviving deal, when this change was made on a deal merged away before it was processed. */
  mergedInto: string | null;
  dealName: string | null;
  portalId: number;
  teamId: string | null;
  transitionId: string | null;
}

export interface DealEvaluation {
  dealId: string;
  detected: DetectedViolation[];
  transitions: TransitionInsert[];
  closeDates: CloseDateInsert[];
  resolutions: Resolution[];
  /** Every change as it was judged (values and counts as of its time): recorded for back-tests (src/backtest/). */
  judged: BuiltChange[];
  /** Changes of earlier runs judged again with corrected association counts: their records are replaced. */
  corrected: BuiltChange[];
  /** null for a deal merged away (bookkeeping records it as merged). */
  state: DealStateWrite | null;
  current: DealChange;
  /** The deal's latest change was let through by a policy exception (its governance status). */
  excepted: boolean;
}

export interface EvaluateOptions {
  set: CompiledPolicySet;
  properties: string[];
  metadata: PortalMetadata;
  modeOverride: Mode | null;
  /** The stages the engine reverted each deal to (its revert rows): tells its reverts apart in the stage history. */
  revertedTo?: ReadonlyMap<string, ReadonlySet<string>>;
}

function parseDate(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined || raw === "") return null;
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isFinite(n) ? n : null;
}

function resolvedBy(change: DealChange): string {
  return change.actor.userId !== null ? `userId:${change.actor.userId}` : change.actor.changeSource;
}

/** Judges one deal's changes in order. Never throws. */
export function evaluateDeal(input: DealSnapshot, o: EvaluateOptions): DealEvaluation {
  const { group, deal } = input;
  const { metadata, set } = o;
  const portalId = Number(group.portalId) || 0;
  // Stage entries no change of this batch stands for (the engine's reverts, earlier or later moves) end move
  // violations too, in time order; only move rules, since such an entry carries no property values of its own.
  const entries = unseenStageEntries(deal, input.built, o.revertedTo?.get(deal.id) ?? new Set());
  const standing = trackOpenViolations(set, { open: input.open, resolvedLater: input.resolvedLater, entries });
  const out: DealEvaluation = {
    dealId: deal.id,
    detected: [],
    transitions: [],
    closeDates: [],
    resolutions: standing.resolutions,
    judged: [],
    corrected: [],
    state: dealStateOf(input, o.properties),
    current: { ...input.current, associations: input.associations, approval: input.approval ?? null },
    excepted: false,
  };
  const survivor = input.mergedInto?.dealId ?? null;
  for (const r of input.rejudged ?? []) judgeAgain(r, { input, o, out, standing });
  for (const prebuilt of input.built) {
    // Association counts are the change's own (as of its time, read.ts). A merged-away deal's change is logged on the
    // surviving deal (its ids stay derived from its own id).
    const built: BuiltChange = { ...prebuilt, change: { ...prebuilt.change, approval: input.approval ?? null, ...(survivor === null ? {} : { dealId: survivor }) } };
    const change = built.change;
    out.judged.push(built);
    standing.catchUp(change.occurredAt, change);
    standing.resolve(change, resolvedBy(change), built.inboxHashes[0] ?? null);
    // Judged as of when the change happened, not when it was processed: a redelivery hours later, a replay of the
    // inbox or a back-test gives the same verdict (close dates "in the past", exception expiry).
    const evaluation = evaluateChange(set, change, { now: change.occurredAt });
    // A move while a move rule is still broken is judged from the last stage the deal left compliantly.
    const anchors = built.stageMoved ? moveAnchors(set, standing.standingAt(change.occurredAt)) : [];
    const judged = judgeAnchoredMoves(set, change, evaluation.violations, anchors, change.occurredAt);
    out.excepted = evaluation.evaluated.some((e) => e.excepted === true);
    const ownerTeam = metadata.owners.get(change.ownerId ?? "")?.primaryTeamId ?? null;
    // Ids come from the deal the change was made on, so a change logged before and after its deal's merge is one row.
    const transition = transitionOf(built, deal.id, metadata, portalId, ownerTeam, judged.length);
    if (transition !== null) out.transitions.push(transition);
    const push = closeDatePushOf(change, deal.id, metadata, portalId, ownerTeam);
    if (push !== null) out.closeDates.push(push);
    for (const { violation, anchor } of judged) {
      const id = deterministicId(deal.id, violation.policyId, violation.ruleId, change.occurredAt, change.toStage);
      const seenAs = anchor === null ? built : { ...built, change: anchoredChange(change, anchor) };
      const dealName = change.new.dealname ?? deal.properties.dealname ?? null;
      out.detected.push({ id, violation, mode: o.modeOverride ?? violation.mode, built: seenAs, mergedInto: survivor, dealName, portalId, teamId: ownerTeam, transitionId: transition?.id ?? null });
      const c = seenAs.change;
      standing.add({ id, policyId: violation.policyId, ruleId: violation.ruleId, toStage: c.toStage, fromStage: c.fromStage, fromPipelineId: c.fromPipelineId, occurredAt: c.occurredAt });
    }
  }
  if (input.mergedInto !== null) return settleMerged(out, input.mergedInto, input.group.events[0]?.inboxHash ?? null);
  // The deal as it is now may already comply (a later fix whose webhook hasn't arrived yet): judge as if in order.
  const last = input.group.changes.at(-1);
  const lastBuiltEvent = last?.events.find((e) => e.inboxHash !== undefined)?.inboxHash ?? null;
  const currentAt = Math.max(deal.updatedAt, last?.occurredAt ?? 0) + 1;
  standing.catchUp(currentAt, out.current);
  standing.resolve({ ...out.current, occurredAt: currentAt }, "current-state", lastBuiltEvent);
  return out;
}

/**
 * A change of an earlier run judged again (rejudge.ts): what the corrected counts break is detected now, dated at the
 * change, and stands until a later change or the deal as it is now complies; its stage-change row is marked.
 */
function judgeAgain(r: Rejudged, at: { input: DealSnapshot; o: EvaluateOptions; out: DealEvaluation; standing: ReturnType<typeof trackOpenViolations> }): void {
  const { input, o, out, standing } = at;
  const { deal } = input;
  const broken = newlyBroken(o.set, r);
  out.corrected.push(r.now);
  if (broken.length === 0) return;
  const change = r.now.change;
  const portalId = Number(input.group.portalId) || 0;
  const ownerTeam = o.metadata.owners.get(change.ownerId ?? "")?.primaryTeamId ?? null;
  const transition = transitionOf(r.now, deal.id, o.metadata, portalId, ownerTeam, broken.length);
  if (transition !== null) out.transitions.push(transition);
  for (const violation of broken) {
    const id = deterministicId(deal.id, violation.policyId, violation.ruleId, change.occurredAt, change.toStage);
    const dealName = change.new.dealname ?? deal.properties.dealname ?? null;
    out.detected.push({ id, violation, mode: o.modeOverride ?? violation.mode, built: r.now, mergedInto: null, dealName, portalId, teamId: ownerTeam, transitionId: transition?.id ?? null });
    standing.add({ id, policyId: violation.policyId, ruleId: violation.ruleId, toStage: change.toStage, fromStage: change.fromStage, fromPipelineId: change.fromPipelineId, occurredAt: change.occurredAt });
  }
}

/** The deal's state to keep (deal_state): as HubSpot has it now. */
function dealStateOf(input: DealSnapshot, properties: string[]): DealStateWrite {
  const { deal, group } = input;
  return {
    dealId: deal.id,
    pipelineId: deal.properties.pipeline ?? null,
    stageId: deal.properties.dealstage ?? null,
    ownerId: deal.properties.hubspot_owner_id ?? null,
    dealName: deal.properties.dealname ?? null,
    properties: Object.fromEntries(properties.map((p) => [p, deal.properties[p] ?? null])),
    stageEnteredAt: deal.history.dealstage?.at(-1)?.timestamp ?? input.state?.stageEnteredAt ?? null,
    observedAt: Math.max(deal.updatedAt, group.changes.at(-1)?.occurredAt ?? 0),
  };
}

/** A merged-away deal: no state of its own to keep, and what it violated was closed by the merge. */
function settleMerged(out: DealEvaluation, into: { dealId: string; at: number }, event: string | null): DealEvaluation {
  const resolutions = out.detected.map((d) => ({ id: d.id, resolvedAt: Math.max(into.at, d.built.change.occurredAt), resolvedBy: `merged:${into.dealId}`, resolvedByEvent: event }));
  return { ...out, state: null, resolutions: [...out.resolutions, ...resolutions] };
}

/** The transition-log row of a change that moved the stage; null for one that didn't. */
function transitionOf(built: BuiltChange, madeOn: string, metadata: PortalMetadata, portalId: number, teamId: string | null, violationCount: number): TransitionInsert | null {
  const change = built.change;
  if (!built.stageMoved || change.toStage === null) return null;
  const to = metadata.stages.get(change.toStage);
  const from = change.fromStage === null ? undefined : metadata.stages.get(change.fromStage);
  return {
    id: deterministicId(madeOn, change.occurredAt, change.fromStage, change.toStage),
    portalId, dealId: change.dealId, pipelineId: change.pipelineId, fromStage: change.fromStage, toStage: change.toStage,
    fromIndex: from?.index ?? null, toIndex: to?.index ?? null, toIsClosed: to?.stage.isClosed ?? false, toIsWon: to?.isWon ?? false,
    ownerId: change.ownerId, teamId, actorUserId: change.actor.userId, changeSource: change.actor.changeSource, occurredAt: change.occurredAt,
    timeInFromMs: built.fromEnteredAt === null ? null : Math.max(0, change.occurredAt - built.fromEnteredAt),
    violationCount,
  };
}

/** A close date pushed later on a deal that isn't closed; null otherwise. */
function closeDatePushOf(change: DealChange, madeOn: string, metadata: PortalMetadata, portalId: number, teamId: string | null): CloseDateInsert | null {
  if (!change.changedProperties.includes("closedate") || change.kind === "created") return null;
  const oldValue = parseDate(change.old.closedate);
  const newValue = parseDate(change.new.closedate);
  const isClosed = change.toStage !== null && (metadata.stages.get(change.toStage)?.stage.isClosed ?? false);
  if (isClosed || oldValue === null || newValue === null || newValue <= oldValue) return null;
  return {
    id: deterministicId(madeOn, change.occurredAt, change.new.closedate ?? null),
    portalId, dealId: change.dealId, ownerId: change.ownerId, teamId, oldValue, newValue,
    pushedDays: Math.round((newValue - oldValue) / 86_400_000),
    occurredAt: change.occurredAt,
  };
}
