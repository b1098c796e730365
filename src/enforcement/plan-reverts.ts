// Which reverts to write: only the latest violating change of a deal can still be undone (older ones are superseded;
// other violations of the same change, or older ones going back to the same stage, share its write); a revert an earlier attempt finished or HubSpot refused is
// not sent again; at most N per deal per hour. Pure: decides on the Snapshot's revert rows and counts.
import type { RevertRow } from "../store/reverts";
import type { RecordedAction, Resolution } from "../store/violations";
import type { ActionRef, RevertIntent } from "./outcomes";
import { ceilingReason } from "./revert-ceiling";
import { supersededBy, type LatestStageChange } from "./late-change";
import type { ViolationPlan } from "./plan-types";

export interface RevertDecisions {
  intents: RevertIntent[];
  /** Violations whose revert is already done (an earlier attempt): resolved by the engine. */
  resolutions: Resolution[];
  /** Violations whose revert HubSpot refused in an earlier attempt, with its answer. */
  refused: Array<{ violationId: string; error: string }>;
  /** Reverts stopped by the daily ceiling: the manager is told. */
  ceiling: Array<{ violationId: string }>;
  /** Reverts not sent because the deal hit the hourly cap: recorded as planned and skipped. */
  capped: Array<{ violationId: string; dealId: string; target: RevertIntent["target"]; fromStage: string }>;
}

interface Candidate {
  v: ViolationPlan;
  index: number;
}

export interface RevertInput {
  now: number;
  /** Each deal's latest stage change in HubSpot's history (late-event guard); absent = not known. */
  latestStage?: Map<string, LatestStageChange>;
  stageLabel?: (id: string) => string;
  maxRevertsPerHour: number;
  reverts: Map<string, RevertRow>;
  recentReverts: Map<string, number>;
  maxRevertsPerDay?: number;
  dailyReverts?: Map<string, number>;
}

/** Decides every pending revert of the active violations; settles the decided ones on the plan's own actions. */
export function planReverts(active: ViolationPlan[], input: RevertInput): RevertDecisions {
  const out: RevertDecisions = { intents: [], resolutions: [], refused: [], capped: [], ceiling: [] };
  const candidates: Candidate[] = active.flatMap((v) => v.actions.flatMap((a, index) => (a.type === "revert" && a.outcome === "pending" ? [{ v, index }] : [])));
  const at = (c: Candidate) => c.v.d.built.change.occurredAt;
  const latest = new Map<string, Candidate>();
  for (const c of candidates) {
    const prev = latest.get(c.v.d.built.change.dealId);
    if (prev === undefined || at(prev) <= at(c)) latest.set(c.v.d.built.change.dealId, c);
  }
  const siblings = new Map<Candidate, Candidate[]>();
  for (const c of candidates) {
    const chosen = latest.get(c.v.d.built.change.dealId);
    if (chosen === undefined || chosen === c) continue;
    // Same change, or an older move of the chain that the same revert undoes (it goes back to the same stage).
    if (at(chosen) === at(c) || sameTarget(chosen.v, c.v)) siblings.set(chosen, [...(siblings.get(chosen) ?? []), c]);
    else settle(c, { outcome: "skipped", reason: "superseded by a later change" });
  }
  for (const chosen of latest.values()) {
    const group = [chosen, ...(siblings.get(chosen) ?? [])];
    const row = input.reverts.get(chosen.v.d.id);
    const target = revertTarget(chosen.v);
    if (row?.status === "done") {
      for (const c of group) {
        settle(c, { outcome: "done" });
        c.v.reverted = true;
        out.resolutions.push({ id: c.v.d.id, resolvedAt: input.now, resolvedBy: "engine:revert", resolvedByEvent: null });
      }
      continue;
    }
    if (row?.status === "refused") {
      for (const c of group) {
        settle(c, { outcome: "failed", reason: "HubSpot refused the revert", ...(row.reason === null ? {} : { error: row.reason }) });
        out.refused.push({ violationId: c.v.d.id, error: row.reason ?? "refused" });
      }
      continue;
    }
    const dealId = chosen.v.d.built.change.dealId;
    const late = row === undefined ? supersededBy(input.latestStage?.get(dealId), at(chosen), input.stageLabel ?? ((id) => id)) : null;
    if (late !== null) {
      // Recorded, acted on nothing: its task would ask the rep to fix a move a later one already replaced.
      for (const c of group) settleAllPending(c, late);
      continue;
    }
    const count = (input.recentReverts.get(dealId) ?? 0) - (row?.status === "planned" ? 1 : 0);
    const today = (input.dailyReverts?.get(dealId) ?? 0) - (row?.status === "planned" ? 1 : 0);
    if (input.maxRevertsPerDay !== undefined && today >= input.maxRevertsPerDay) {
      for (const c of group) settle(c, { outcome: "skipped", reason: ceilingReason(input.maxRevertsPerDay) });
      out.ceiling.push({ violationId: chosen.v.d.id });
      out.capped.push({ violationId: chosen.v.d.id, dealId, target, fromStage: chosen.v.d.built.change.toStage ?? "" });
      continue;
    }
    if (count >= input.maxRevertsPerHour) {
      for (const c of group) settle(c, { outcome: "skipped", reason: `revert cap reached (${input.maxRevertsPerHour} per deal per hour)` });
      out.capped.push({ violationId: chosen.v.d.id, dealId, target, fromStage: chosen.v.d.built.change.toStage ?? "" });
      continue;
    }
    const ref = (c: Candidate): ActionRef => ({ violationId: c.v.d.id, index: c.index });
    out.intents.push({
      ref: ref(chosen),
      siblings: group.slice(1).map(ref),
      dealId,
      fromStage: chosen.v.d.built.change.toStage ?? "",
      target,
      transitionId: chosen.v.d.transitionId,
      plannedBefore: row?.status === "planned",
      alsoResolves: [],
      fallbacks: [],
      followUps: [],
    });
  }
  return out;
}

function sameTarget(a: ViolationPlan, b: ViolationPlan): boolean {
  const x = revertTarget(a);
  const y = revertTarget(b);
  return x.stageId === y.stageId && x.pipelineId === y.pipelineId;
}

function settleAllPending(c: Candidate, reason: string): void {
  c.v.actions = c.v.actions.map((a) => (a.outcome === "pending" ? { ...a, outcome: "skipped", reason } : a));
  c.v.changed = true;
}

function settle(c: Candidate, patch: Pick<RecordedAction, "outcome" | "reason" | "error">): void {
  const action = c.v.actions[c.index];
  if (action !== undefined) c.v.actions[c.index] = { ...action, ...patch };
  c.v.changed = true;
}

/** Where the revert sends the deal: the rule's explicit target, else the stage (and pipeline) it came from. */
export function revertTarget(v: ViolationPlan): RevertIntent["target"] {
  const planned = v.d.violation.actions.find((a) => a.type === "revert")?.revertTo;
  const change = v.d.built.change;
  return planned ?? { pipelineId: change.fromPipelineId, stageId: change.fromStage ?? "" };
}
