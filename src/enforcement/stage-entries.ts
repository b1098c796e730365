// Stage entries the batch's own changes don't carry — the engine's reverts (their echoes are set aside), moves judged
// in an earlier run, moves whose events are still on their way — can end a move violation too: a skip is over once
// the deal stands at a stage the rule allows from where the skip began, whoever put it there. Without them a rep's
// later move would be judged from a stage the deal already left compliantly (and reverted there). Pure.
import type { DealRecord } from "../hubspot/deals";
import type { DealChange } from "../policy";
import type { BuiltChange } from "./build-change";

export interface StageEntry {
  stageId: string;
  /** The deal's pipeline at that moment (from its pipeline history; null when the history doesn't say). */
  pipelineId: string | null;
  at: number;
  /** Who put the deal there, as a resolution records it. */
  by: string;
}

/**
 * The deal's stage entries (from its dealstage history, oldest first) that none of the batch's changes stands for.
 * `revertedTo` holds the stages the engine reverted this deal to: an INTEGRATION entry to one of them is the engine's.
 */
export function unseenStageEntries(deal: DealRecord, built: readonly BuiltChange[], revertedTo: ReadonlySet<string>): StageEntry[] {
  const seen = new Set(built.filter((b) => b.stageMoved).map((b) => b.change.occurredAt));
  const byTime = <T extends { timestamp: number }>(entries: readonly T[] | undefined) => [...(entries ?? [])].sort((a, b) => a.timestamp - b.timestamp);
  const pipelines = byTime(deal.history.pipeline);
  return byTime(deal.history.dealstage)
    .filter((h) => !seen.has(h.timestamp))
    .map((h) => ({
      stageId: h.value,
      pipelineId: pipelines.filter((p) => p.timestamp <= h.timestamp).at(-1)?.value ?? deal.properties.pipeline ?? null,
      at: h.timestamp,
      by: h.updatedByUserId !== null ? `userId:${h.updatedByUserId}` : h.sourceType === "INTEGRATION" && revertedTo.has(h.value) ? "engine:revert" : (h.sourceType ?? "unknown"),
    }));
}

/** `base` (a change of the same deal) seen as the move into `entry`: only its stage, pipeline and time differ. */
export function entryAsChange(base: DealChange, entry: StageEntry, previous: StageEntry | undefined): DealChange {
  const pipelineId = entry.pipelineId ?? base.pipelineId;
  return {
    ...base,
    kind: "updated",
    pipelineId,
    fromPipelineId: previous?.pipelineId ?? pipelineId,
    fromStage: previous?.stageId ?? null,
    toStage: entry.stageId,
    occurredAt: entry.at,
    changedProperties: ["dealstage"],
    new: { ...base.new, dealstage: entry.stageId, ...(pipelineId === null ? {} : { pipeline: pipelineId }) },
  };
}
