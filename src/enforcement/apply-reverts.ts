// Revert writes (enforce mode only): send the deal back only if it is still in the violating stage when re-read just
// before the write, never for a deleted deal; the run's governance values ride in the same batch update. Planned in D1 (reverts, engine_writes) before the write so a retried
// message never reverts twice; what HubSpot answered comes back as values for record.ts to mark.
import type { HubSpotClient } from "../hubspot/client";
import { writeDealStage, writeDealStages, writeDealStagesWith, type RevertWrite, type RidingWrite, type StageWriteOutcome } from "../hubspot/deal-writes";
import { readDeals } from "../hubspot/deals";
import { describeError, type HubSpotError } from "../hubspot/errors";
import { chunk } from "../chunk";
import type { Result } from "../result";
import { recordEngineWriteStatements } from "../store/engine-writes";
import { planRevertStatement } from "../store/reverts";
import { governanceWriteRows } from "./apply-governance";
import type { ActionOutcome, Applied, RevertIntent, RevertResult } from "./outcomes";

/** A read younger than this counts as "re-read just before the write" (no second read needed). */
export const FRESH_READ_MS = 2_000;
/** HubSpot's batch update takes at most 100 inputs: a bigger one is refused whole (400), not applied in part. */
const BATCH_WRITE_LIMIT = 100;

export interface RevertContext {
  db: D1Database;
  client: HubSpotClient;
  now: number;
  clock: () => number;
  /** Stage and pipeline per deal from the run's batch read, and when it was read. */
  lastRead: { at: number; stages: Map<string, { stage: string | null; pipeline: string | null }> };
}

export interface RevertWrites extends Pick<Applied, "reverted" | "revertMarks"> {
  outcomes: ActionOutcome[];
  /** How each intent ended (its follow-up tasks say it). */
  results: Array<{ intent: RevertIntent; result: RevertResult }>;
  refused: Array<{ intent: RevertIntent; error: string }>;
  failure: HubSpotError | null;
  /** The riding writes HubSpot applied with the reverts; null when they didn't ride (write them apart). */
  ridden: string[] | null;
}

/**
 * Runs the planned reverts, `riders` (other deal properties: the governance values) in the same batch update when
 * they fit. A transient HubSpot failure stops them and comes back in `failure`. Throws only for D1.
 */
export async function applyReverts(ctx: RevertContext, intents: RevertIntent[], riders: RidingWrite[] = []): Promise<RevertWrites> {
  const out: RevertWrites = { outcomes: [], results: [], reverted: [], revertMarks: [], refused: [], failure: null, ridden: null };
  if (intents.length === 0) return out;
  const settle = (i: RevertIntent, status: ActionOutcome["status"], reason?: string, error?: string) => {
    out.results.push({ intent: i, result: status === "done" ? { kind: "done" } : status === "failed" ? { kind: "refused", error: error ?? "refused" } : { kind: "skipped" } });
    for (const ref of [i.ref, ...i.siblings]) out.outcomes.push({ ref, status, fallback: false, ...(reason === undefined ? {} : { reason }), ...(error === undefined ? {} : { error }) });
  };
  const done = (i: RevertIntent) => {
    settle(i, "done");
    out.revertMarks.push({ violationId: i.ref.violationId, status: "done", reason: null });
    out.reverted.push({ violationId: i.ref.violationId, dealId: i.dealId, target: i.target, transitionId: i.transitionId, siblings: [...i.siblings.map((s) => s.violationId), ...i.alsoResolves] });
  };

  const current = await currentStages(ctx, intents.map((i) => i.dealId));
  if (!current.ok) return { ...out, failure: current.error };
  const writes: Array<{ intent: RevertIntent; write: RevertWrite }> = [];
  for (const intent of intents) {
    const deal = current.value.get(intent.dealId);
    if (deal === undefined) settle(intent, "skipped", "deal no longer exists");
    // Our earlier attempt landed but wasn't marked: finish the bookkeeping only.
    else if (intent.plannedBefore && deal.stage === intent.target.stageId) done(intent);
    else if (deal.stage !== intent.fromStage) settle(intent, "skipped", "deal no longer in the violating stage");
    else {
      const pipelineChanged = intent.target.pipelineId !== null && intent.target.pipelineId !== deal.pipeline;
      writes.push({ intent, write: { dealId: intent.dealId, stageId: intent.target.stageId, pipelineId: pipelineChanged ? intent.target.pipelineId : null } });
    }
  }
  if (writes.length === 0) return out;
  // One input per deal: a reverted deal's own values merge into its revert's input.
  const inputs = new Set([...writes.map((w) => w.write.dealId), ...riders.map((r) => r.dealId)]).size;
  const ride = inputs <= BATCH_WRITE_LIMIT ? riders : [];
  await ctx.db.batch([
    ...writes.map(({ intent }) => planRevertStatement(ctx.db, { violationId: intent.ref.violationId, dealId: intent.dealId, toPipeline: intent.target.pipelineId, toStage: intent.target.stageId, fromStage: intent.fromStage }, ctx.now)),
    ...recordEngineWriteStatements(
      ctx.db,
      writes.flatMap(({ intent, write }) => [
        { dealId: write.dealId, property: "dealstage", value: write.stageId, violationId: intent.ref.violationId },
        ...(write.pipelineId === null ? [] : [{ dealId: write.dealId, property: "pipeline", value: write.pipelineId, violationId: intent.ref.violationId }]),
      ]),
      ctx.now,
    ),
    ...recordEngineWriteStatements(ctx.db, governanceWriteRows(ride), ctx.now),
  ]);
  const written = await writeWithRiders(ctx.client, writes.map((w) => w.write), ride);
  if (!written.ok) return { ...out, failure: written.error };
  out.ridden = written.value.ridden;
  for (const { intent } of writes) {
    const outcome = written.value.outcomes.get(intent.dealId);
    if (outcome === undefined) settle(intent, "skipped", "deal no longer in the violating stage");
    else if (outcome.ok) done(intent);
    else if (outcome.error.kind === "not-found") {
      settle(intent, "skipped", "deal no longer exists");
      out.revertMarks.push({ violationId: intent.ref.violationId, status: "skipped", reason: "deal deleted" });
    } else {
      const error = describeError(outcome.error);
      settle(intent, "failed", "HubSpot refused the revert", error);
      out.revertMarks.push({ violationId: intent.ref.violationId, status: "refused", reason: error });
      out.refused.push({ intent, error });
    }
  }
  return out;
}

type Current = Map<string, { stage: string | null; pipeline: string | null }>;

/** The deals' stages now: the run's batch read when it is only moments old (saves a call per message), else a re-read. */
async function currentStages(ctx: RevertContext, dealIds: string[]): Promise<Result<Current, HubSpotError>> {
  if (ctx.clock() - ctx.lastRead.at <= FRESH_READ_MS) {
    return { ok: true, value: new Map(dealIds.flatMap((id) => { const s = ctx.lastRead.stages.get(id); return s === undefined ? [] : [[id, s] as const]; })) };
  }
  const reread = await readDeals(ctx.client, dealIds, ["dealstage", "pipeline"], []);
  if (!reread.ok) return reread;
  return { ok: true, value: new Map([...reread.value.found].map(([id, deal]) => [id, { stage: deal.properties.dealstage ?? null, pipeline: deal.properties.pipeline ?? null }])) };
}

/** The reverts with the riders in one batch update; refused whole, the reverts as writeAll does and the riders not. */
async function writeWithRiders(client: HubSpotClient, writes: RevertWrite[], riders: RidingWrite[]): Promise<Result<{ outcomes: Map<string, StageWriteOutcome>; ridden: string[] | null }, HubSpotError>> {
  if (riders.length > 0) {
    const batch = await writeDealStagesWith(client, writes, riders);
    if (!batch.ok) return batch;
    if (batch.value.outcomes !== null) return { ok: true, value: { outcomes: new Map(batch.value.outcomes.map((o) => [o.dealId, o])), ridden: batch.value.ridden } };
  }
  const all = await writeAll(client, writes);
  return all.ok ? { ok: true, value: { outcomes: all.value, ridden: null } } : all;
}

/**
 * Writes the reverts (one batch update per ≤100, or a PATCH for one deal). When the portal refuses a batch, the deals are
 * re-read: those already moved back count as done, the rest are written one by one to find the refused ones.
 * Deals absent from the answer had moved on before the retry and are not written.
 */
async function writeAll(client: HubSpotClient, writes: RevertWrite[]): Promise<Result<Map<string, StageWriteOutcome>, HubSpotError>> {
  const out = new Map<string, StageWriteOutcome>();
  for (const part of chunk(writes, BATCH_WRITE_LIMIT)) {
    const batch = await writeDealStages(client, part);
    if (!batch.ok) return batch;
    if (batch.value.outcomes !== null) {
      for (const o of batch.value.outcomes) out.set(o.dealId, o);
      continue;
    }
    const reread = await readDeals(client, part.map((w) => w.dealId), ["dealstage", "pipeline"], []);
    if (!reread.ok) return reread;
    for (const write of part) {
      const stage = reread.value.found.get(write.dealId)?.properties.dealstage;
      if (stage === undefined) out.set(write.dealId, { dealId: write.dealId, ok: false, error: { kind: "not-found", status: 404, message: "deal no longer exists" } });
      else if (stage === write.stageId) out.set(write.dealId, { dealId: write.dealId, ok: true });
      else {
        const one = await writeDealStage(client, write);
        if (one.ok) out.set(write.dealId, { dealId: write.dealId, ok: true });
        else if (one.error.kind === "validation" || one.error.kind === "not-found") out.set(write.dealId, { dealId: write.dealId, ok: false, error: one.error });
        else return one;
      }
    }
  }
  return { ok: true, value: out };
}
