// Deal writes: the revert's stage write (a PATCH for one deal, else one batch update; 207 answers matched by id), and
// the same batch carrying other properties of the run (the governance values). Returns HubSpotError values; never throws.
import type { HubSpotClient } from "./client";
import { callHubSpot, type HubSpotError, type Result } from "./errors";

export interface RevertWrite {
  dealId: string;
  stageId: string;
  /** Set when the stage lies in another pipeline than the deal's current one. */
  pipelineId: string | null;
}

/** PATCHes one deal's stage (and pipeline) back. A 400 means the portal refused it (e.g. required properties). */
export async function writeDealStage(client: HubSpotClient, write: RevertWrite): Promise<Result<void, HubSpotError>> {
  const properties: Record<string, string> = { dealstage: write.stageId };
  if (write.pipelineId !== null) properties.pipeline = write.pipelineId;
  const answer = await callHubSpot(() => client.deals.basic.update(write.dealId, { properties }));
  return answer.ok ? { ok: true, value: undefined } : answer;
}

export type StageWriteOutcome = { dealId: string; ok: true } | { dealId: string; ok: false; error: HubSpotError };

/**
 * Writes several reverts. One deal: a PATCH. Several: one batch update; if the portal refuses the batch (400: one
 * input failed, others may have been applied), null is returned so the caller re-reads and writes one by one.
 * Transient failures are returned as the error.
 */
export async function writeDealStages(
  client: HubSpotClient,
  writes: RevertWrite[],
): Promise<Result<{ outcomes: StageWriteOutcome[] | null }, HubSpotError>> {
  if (writes.length === 1 && writes[0] !== undefined) {
    const write = writes[0];
    const one = await writeDealStage(client, write);
    if (one.ok) return { ok: true, value: { outcomes: [{ dealId: write.dealId, ok: true }] } };
    if (one.error.kind === "validation" || one.error.kind === "not-found") {
      return { ok: true, value: { outcomes: [{ dealId: write.dealId, ok: false, error: one.error }] } };
    }
    return one;
  }
  const inputs = writes.map((w) => {
    const properties: Record<string, string> = { dealstage: w.stageId };
    if (w.pipelineId !== null) properties.pipeline = w.pipelineId;
    return { id: w.dealId, properties };
  });
  const answer = await callHubSpot(() => client.deals.batch.update({ inputs }));
  if (answer.ok) return { ok: true, value: { outcomes: matchStageWrites(writes, answer.value) } };
  if (answer.error.kind === "validation" || answer.error.kind === "not-found") return { ok: true, value: { outcomes: null } };
  return answer;
}

/** Other properties written in a stage write's batch (the engine's governance values): by deal, merged per input. */
export interface RidingWrite {
  dealId: string;
  properties: Record<string, string>;
}

/**
 * Stage writes and riding property writes in one batch update (≤100 deals): a run that reverts and updates the
 * governance properties makes one call, not two. `outcomes` as writeDealStages (null: the batch was refused whole);
 * `ridden`: the riding deals HubSpot applied.
 */
export async function writeDealStagesWith(
  client: HubSpotClient,
  writes: RevertWrite[],
  riders: RidingWrite[],
): Promise<Result<{ outcomes: StageWriteOutcome[] | null; ridden: string[] }, HubSpotError>> {
  const inputs = new Map<string, Record<string, string>>();
  for (const r of riders) inputs.set(r.dealId, { ...r.properties });
  for (const w of writes) inputs.set(w.dealId, { ...inputs.get(w.dealId), dealstage: w.stageId, ...(w.pipelineId === null ? {} : { pipeline: w.pipelineId }) });
  const answer = await callHubSpot(() => client.deals.batch.update({ inputs: [...inputs].map(([id, properties]) => ({ id, properties })) }));
  if (!answer.ok) {
    if (answer.error.kind === "validation" || answer.error.kind === "not-found") return { ok: true, value: { outcomes: null, ridden: [] } };
    return answer;
  }
  const applied = new Set(answer.value.results.map((r) => String(r.id)));
  return { ok: true, value: { outcomes: matchStageWrites(writes, answer.value), ridden: riders.map((r) => r.dealId).filter((id) => applied.has(id)) } };
}

interface BatchAnswer {
  results: Array<{ id: string }>;
  errors?: Array<{ category?: string; message?: string; status?: string; context?: Record<string, string[]> }>;
}

/**
 * A batch update's answer → one outcome per write, matched by id (HubSpot's 207 lists only the applied inputs in
 * `results` and the failed ones in `errors[].context.ids`; positions mean nothing). A deal in neither list is
 * reported as an unexpected failure of its own, never assumed done.
 */
export function matchStageWrites(writes: RevertWrite[], answer: BatchAnswer): StageWriteOutcome[] {
  const applied = new Set(answer.results.map((r) => String(r.id)));
  const failed = new Map<string, HubSpotError>();
  for (const e of answer.errors ?? []) {
    const error: HubSpotError =
      e.category === "OBJECT_NOT_FOUND"
        ? { kind: "not-found", status: 404, message: e.message ?? "deal no longer exists" }
        : { kind: "validation", status: 400, category: e.category ?? "VALIDATION_ERROR", message: e.message ?? "refused" };
    for (const id of e.context?.ids ?? []) failed.set(String(id), error);
  }
  return writes.map((w): StageWriteOutcome => {
    if (applied.has(w.dealId)) return { dealId: w.dealId, ok: true };
    const error = failed.get(w.dealId) ?? { kind: "unexpected", status: 207, message: "deal missing from the batch answer" };
    return { dealId: w.dealId, ok: false, error };
  });
}
