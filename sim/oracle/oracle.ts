// Ground truth, step 2: the shipped (or any) policies evaluated over every deal's full history in time order — what the
// engine should have recorded had it seen everything at once, in order: every violation, every stage change with
// its verdict, every close-date push. It shares the policy core (the rules' meaning) with the engine and nothing
// else: no webhook, grouping, history read, association timeline, merge handling or D1. Pure.
import { evaluateChange, isMoveRule, judgeMoveFrom, recheckViolation, type CompiledPolicySet, type DealChange, type PortalSchema, type Violation } from "../../src/policy";
import { associationMomentsOf, changesOf, managerOf, ownerForUser, type TruthChange, type TruthDeal, type TruthDirectory } from "./history";

export interface TruthViolation {
  /** The deal it is logged on: the surviving deal for a change made on a deal merged away later. */
  dealId: string;
  madeOn: string;
  policyId: string;
  ruleId: string;
  at: number;
  fromStage: string | null;
  toStage: string | null;
}
export interface TruthTransition {
  dealId: string;
  ownerId: string | null;
  at: number;
  pipelineId: string | null;
  fromStage: string | null;
  toStage: string;
  toIndex: number | null;
  toIsClosed: boolean;
  toIsWon: boolean;
  violations: number;
}
export interface TruthPush { dealId: string; ownerId: string | null; at: number; oldValue: number; newValue: number; pushedDays: number }
export interface Truth { violations: TruthViolation[]; transitions: TruthTransition[]; pushes: TruthPush[] }

interface StageInfo { index: number; isClosed: boolean; isWon: boolean }
interface Open { policyId: string; ruleId: string; toStage: string | null; fromStage: string | null; fromPipelineId: string | null; at: number }

function stageIndex(portal: PortalSchema): Map<string, StageInfo> {
  const out = new Map<string, StageInfo>();
  for (const p of portal.pipelines) {
    [...p.stages].sort((a, b) => a.displayOrder - b.displayOrder).forEach((s, index) => out.set(s.id, { index, isClosed: s.isClosed, isWon: s.isClosed && s.probability === 1 }));
  }
  return out;
}

/** The deal a merged-away deal ended up in (following chains), or the deal itself. */
export function survivorOf(deals: Map<string, TruthDeal>, id: string): string {
  let at = id;
  for (let hops = 0; hops < 20; hops++) {
    const next = deals.get(at)?.mergedInto;
    if (next === null || next === undefined) return at;
    at = next;
  }
  return at;
}

function dealChangeOf(c: TruthChange, dir: TruthDirectory): DealChange {
  const ownerId = c.new.hubspot_owner_id ?? null;
  const actorOwner = ownerForUser(dir, c.source.userId);
  const teamsOf = (id: string | null) => dir.owners.find((o) => o.id === id)?.teams.map((t) => t.id) ?? [];
  return {
    dealId: c.dealId,
    kind: c.kind,
    pipelineId: c.new.pipeline ?? null,
    fromPipelineId: c.kind === "created" ? null : (c.old.pipeline ?? null),
    fromStage: c.fromStage,
    toStage: c.toStage,
    changedProperties: c.changed,
    old: c.old,
    new: c.new,
    ownerId,
    ownerTeamIds: teamsOf(ownerId),
    actor: {
      userId: c.source.userId,
      ownerId: actorOwner?.id ?? null,
      teamIds: teamsOf(actorOwner?.id ?? null),
      isDealOwner: actorOwner !== null && actorOwner.id === ownerId,
      isManager: actorOwner !== null && managerOf(dir, ownerId) === actorOwner.id,
      changeSource: c.source.changeSource,
      sourceId: c.source.sourceId,
    },
    associations: c.associations,
    ...(c.associationsBefore === undefined ? {} : { associationsBefore: c.associationsBefore }),
    occurredAt: c.at,
  };
}

/**
 * A move made while a move rule is still broken is judged from the stage the oldest open violation of that rule left
 * (its anchor); each verdict comes with the stage it was judged from.
 */
function judgeMove(set: CompiledPolicySet, change: DealChange, plain: Violation[], open: Open[]): Array<{ v: Violation; from: string | null }> {
  const anchors = new Map<string, Open>();
  for (const v of open) {
    if (v.fromStage === null || !isMoveRule(set, v)) continue;
    const key = `${v.policyId}\u0000${v.ruleId}`;
    const prev = anchors.get(key);
    if (prev === undefined || v.at < prev.at) anchors.set(key, v);
  }
  const out = plain.filter((v) => !anchors.has(`${v.policyId}\u0000${v.ruleId}`)).map((v) => ({ v, from: change.fromStage }));
  for (const a of anchors.values()) {
    const judged = judgeMoveFrom(set, a, change, { stageId: a.fromStage ?? "", pipelineId: a.fromPipelineId }, { now: change.occurredAt });
    if (judged !== null) out.push({ v: judged, from: a.fromStage });
  }
  return out;
}

/**
 * Judges every deal's history with `set`. `names`: the properties the policies read (every change carries their
 * values as of its time). Changes of a deal merged away are logged on the deal it went into.
 */
export function judgeHistory(set: CompiledPolicySet, portal: PortalSchema, deals: TruthDeal[], dir: TruthDirectory, names: readonly string[]): Truth {
  const byId = new Map(deals.map((d) => [d.id, d]));
  const stages = stageIndex(portal);
  const out: Truth = { violations: [], transitions: [], pushes: [] };
  for (const deal of deals) {
    const loggedOn = survivorOf(byId, deal.id);
    const open: Open[] = [];
    const writes = changesOf(deal, names);
    const moments = [...writes, ...associationMomentsOf(deal, names, new Set(writes.map((c) => c.at)))].sort((a, b) => a.at - b.at);
    for (const c of moments) {
      if (deal.mergedAt !== null && c.at > deal.mergedAt) break;
      const change = dealChangeOf(c, dir);
      for (let i = open.length - 1; i >= 0; i--) {
        const v = open[i];
        if (v !== undefined && v.at < c.at && recheckViolation(set, v, change, { now: c.at })) open.splice(i, 1);
      }
      if (c.associationOnly === true) continue;
      const plain = evaluateChange(set, change, { now: c.at }).violations;
      const judged = c.stageMoved ? judgeMove(set, change, plain, open) : plain.map((v) => ({ v, from: c.fromStage }));
      for (const { v, from: fromStage } of judged) {
        out.violations.push({ dealId: loggedOn, madeOn: deal.id, policyId: v.policyId, ruleId: v.ruleId, at: c.at, fromStage, toStage: c.toStage });
        open.push({ policyId: v.policyId, ruleId: v.ruleId, toStage: c.toStage, fromStage, fromPipelineId: change.fromPipelineId, at: c.at });
      }
      const ownerId = change.ownerId;
      if (c.stageMoved && c.toStage !== null) {
        const to = stages.get(c.toStage);
        out.transitions.push({ dealId: loggedOn, ownerId, at: c.at, pipelineId: change.pipelineId, fromStage: c.fromStage, toStage: c.toStage, toIndex: to?.index ?? null, toIsClosed: to?.isClosed ?? false, toIsWon: to?.isWon ?? false, violations: judged.length });
      }
      const push = pushOf(c, stages);
      if (push !== null) out.pushes.push({ dealId: loggedOn, ownerId, at: c.at, ...push });
    }
  }
  return out;
}

function dateOf(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined || raw === "") return null;
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isFinite(n) ? n : null;
}

/** A close date moved later on a deal that isn't closed. */
function pushOf(c: TruthChange, stages: Map<string, StageInfo>): { oldValue: number; newValue: number; pushedDays: number } | null {
  if (c.kind === "created" || !c.changed.includes("closedate")) return null;
  const oldValue = dateOf(c.old.closedate);
  const newValue = dateOf(c.new.closedate);
  const closed = c.toStage !== null && (stages.get(c.toStage)?.isClosed ?? false);
  if (closed || oldValue === null || newValue === null || newValue <= oldValue) return null;
  return { oldValue, newValue, pushedDays: Math.round((newValue - oldValue) / 86_400_000) };
}
