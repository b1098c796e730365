// Reverts (enforce mode only): send the deal back to the stage it came from — only if it is still in the violating
// stage when re-read just before the write, never for a deleted deal, at most N per deal per hour. Planned in D1
// before the write, marked after, so a retried message never reverts twice.
import { readDeals, writeDealStage, writeDealStages, type RevertWrite, type StageWriteOutcome } from "../hubspot/deals";
import { describeError, type HubSpotError, type Result } from "../hubspot/errors";
import { setDealStageStatement } from "../store/deal-state";
import { recordEngineWriteStatements } from "../store/engine-writes";
import { countRecentReverts, getReverts, markRevertStatement, planRevertStatement } from "../store/reverts";
import { markTransitionRevertedStatement } from "../store/transitions";
import type { RecordedAction } from "../store/violations-write";
import type { DetectedViolation } from "./evaluate-deals";
import { FRESH_READ_MS, type RunContext } from "./run-context";

export interface RevertCandidate {
  detected: DetectedViolation;
  actions: RecordedAction[];
  actionIndex: number;
}

export interface RevertResults {
  /** Violation ids whose revert was done (they are resolved by the engine). */
  reverted: string[];
  /** Violation ids whose revert HubSpot refused: the rep gets a task instead. */
  refused: Array<{ id: string; error: string }>;
}

function settle(c: RevertCandidate, outcome: RecordedAction["outcome"], reason: string | null, error?: string): void {
  const action = c.actions[c.actionIndex];
  if (action === undefined) return;
  action.outcome = outcome;
  if (reason !== null) action.reason = reason;
  if (error !== undefined) action.error = error;
}

/** Runs the pending reverts of this run. Transient HubSpot failures come back as errors (retry the message). */
export async function applyReverts(ctx: RunContext, candidates: RevertCandidate[]): Promise<Result<RevertResults, HubSpotError>> {
  const siblings: Array<{ c: RevertCandidate; of: RevertCandidate }> = [];
  const answer = await runReverts(ctx, candidates, siblings);
  for (const { c, of } of siblings) {
    const source = of.actions[of.actionIndex];
    if (source !== undefined) settle(c, source.outcome, source.reason ?? null, source.error);
    if (!answer.ok) continue;
    if (answer.value.reverted.includes(of.detected.id)) answer.value.reverted.push(c.detected.id);
    const refusal = answer.value.refused.find((r) => r.id === of.detected.id);
    if (refusal !== undefined) answer.value.refused.push({ id: c.detected.id, error: refusal.error });
  }
  return answer;
}

async function runReverts(
  ctx: RunContext,
  candidates: RevertCandidate[],
  siblings: Array<{ c: RevertCandidate; of: RevertCandidate }>,
): Promise<Result<RevertResults, HubSpotError>> {
  const results: RevertResults = { reverted: [], refused: [] };
  if (candidates.length === 0) return { ok: true, value: results };
  const db = ctx.db;

  // Only the latest violating change per deal can still be undone; earlier ones were superseded.
  const latest = new Map<string, RevertCandidate>();
  for (const c of candidates) {
    const prev = latest.get(c.detected.built.change.dealId);
    if (prev === undefined || prev.detected.built.change.occurredAt <= c.detected.built.change.occurredAt) latest.set(c.detected.built.change.dealId, c);
  }
  // Other violations of the chosen change share its revert (one write); older changes' reverts are superseded.
  for (const c of candidates) {
    const chosen = latest.get(c.detected.built.change.dealId);
    if (chosen === undefined || chosen === c) continue;
    if (chosen.detected.built.change.occurredAt === c.detected.built.change.occurredAt) siblings.push({ c, of: chosen });
    else settle(c, "skipped", "superseded by a later change");
  }
  const chosen = [...latest.values()];
  const existing = await getReverts(db, chosen.map((c) => c.detected.id));
  const recent = await countRecentReverts(db, chosen.map((c) => c.detected.built.change.dealId), ctx.now - 3600_000);

  const toCheck: RevertCandidate[] = [];
  for (const c of chosen) {
    const row = existing.get(c.detected.id);
    if (row?.status === "done") {
      settle(c, "done", null);
      results.reverted.push(c.detected.id);
      continue;
    }
    if (row?.status === "refused") {
      settle(c, "failed", "HubSpot refused the revert", row.reason ?? undefined);
      results.refused.push({ id: c.detected.id, error: row.reason ?? "refused" });
      continue;
    }
    const count = (recent.get(c.detected.built.change.dealId) ?? 0) - (row?.status === "planned" ? 1 : 0);
    if (count >= ctx.maxRevertsPerHour) {
      settle(c, "skipped", `revert cap reached (${ctx.maxRevertsPerHour} per deal per hour)`);
      await db.batch([
        planRevertStatement(db, revertRow(c), ctx.now),
        markRevertStatement(db, c.detected.id, "skipped", "cap reached", ctx.now),
      ]);
      continue;
    }
    toCheck.push(c);
  }
  if (toCheck.length === 0) return { ok: true, value: results };

  // Re-read right before the write: a deal that moved on (or was deleted) is left alone. The run's own batch read
  // counts when it is only moments old, which saves a call per message.
  const current = await currentStages(ctx, toCheck.map((c) => c.detected.built.change.dealId));
  if (!current.ok) return current;
  const writes: Array<{ c: RevertCandidate; write: RevertWrite }> = [];
  const bookkeeping: D1PreparedStatement[] = [];
  for (const c of toCheck) {
    const change = c.detected.built.change;
    const deal = current.value.get(change.dealId);
    const revertTo = revertTarget(c);
    if (deal === undefined) {
      settle(c, "skipped", "deal no longer exists");
      continue;
    }
    if (existing.get(c.detected.id)?.status === "planned" && deal.stage === revertTo.stageId) {
      // Our earlier attempt landed but wasn't marked: finish the bookkeeping only.
      markDone(ctx, c, bookkeeping, results);
      continue;
    }
    if (deal.stage !== change.toStage) {
      settle(c, "skipped", "deal no longer in the violating stage");
      continue;
    }
    const pipelineChanged = revertTo.pipelineId !== null && revertTo.pipelineId !== deal.pipeline;
    writes.push({ c, write: { dealId: change.dealId, stageId: revertTo.stageId, pipelineId: pipelineChanged ? revertTo.pipelineId : null } });
  }
  if (writes.length > 0) {
    const plan: D1PreparedStatement[] = writes.map(({ c }) => planRevertStatement(db, revertRow(c), ctx.now));
    plan.push(
      ...(await recordEngineWriteStatements(
        db,
        writes.flatMap(({ c, write }) => [
          { dealId: write.dealId, property: "dealstage", value: write.stageId, violationId: c.detected.id },
          ...(write.pipelineId === null ? [] : [{ dealId: write.dealId, property: "pipeline", value: write.pipelineId, violationId: c.detected.id }]),
        ]),
        ctx.now,
      )),
    );
    await db.batch(plan);
  }
  const written = await writeAll(ctx, writes);
  if (!written.ok) {
    if (bookkeeping.length > 0) await db.batch(bookkeeping);
    return written;
  }
  for (const { c } of writes) {
    const outcome = written.value.get(c.detected.built.change.dealId);
    if (outcome === undefined || outcome.ok) {
      if (outcome !== undefined) markDone(ctx, c, bookkeeping, results);
      else settle(c, "skipped", "deal no longer in the violating stage");
    } else if (outcome.error.kind === "not-found") {
      settle(c, "skipped", "deal no longer exists");
      bookkeeping.push(markRevertStatement(db, c.detected.id, "skipped", "deal deleted", ctx.now));
    } else {
      const error = describeError(outcome.error);
      settle(c, "failed", "HubSpot refused the revert", error);
      bookkeeping.push(markRevertStatement(db, c.detected.id, "refused", error, ctx.now));
      results.refused.push({ id: c.detected.id, error });
    }
  }
  if (bookkeeping.length > 0) await db.batch(bookkeeping);
  return { ok: true, value: results };
}

type Current = Map<string, { stage: string | null; pipeline: string | null }>;

async function currentStages(ctx: RunContext, dealIds: string[]): Promise<Result<Current, HubSpotError>> {
  const now = ctx.clock();
  const out: Current = new Map();
  const stale: string[] = [];
  for (const id of dealIds) {
    const seen = ctx.lastRead.get(id);
    if (seen !== undefined && now - seen.at <= FRESH_READ_MS) out.set(id, seen);
    else stale.push(id);
  }
  if (stale.length === 0) return { ok: true, value: out };
  ctx.calls.count++;
  const reread = await readDeals(ctx.client, stale, ["dealstage", "pipeline"], []);
  if (!reread.ok) return reread;
  ctx.calls.count += reread.value.calls - 1;
  const at = ctx.clock();
  for (const [id, deal] of reread.value.found) {
    const seen = { stage: deal.properties.dealstage ?? null, pipeline: deal.properties.pipeline ?? null, at };
    ctx.lastRead.set(id, seen);
    out.set(id, seen);
  }
  return { ok: true, value: out };
}

/**
 * Writes the reverts (one batch update per ≤100, or a PATCH for one deal). When the portal refuses a batch, the deals are
 * re-read: those already moved back count as done, the rest are written one by one to find the refused ones.
 * Deals absent from the answer had moved on before the retry and are not written.
 */
async function writeAll(ctx: RunContext, writes: Array<{ write: RevertWrite }>): Promise<Result<Map<string, StageWriteOutcome>, HubSpotError>> {
  const out = new Map<string, StageWriteOutcome>();
  // HubSpot's batch update takes at most 100 inputs: a bigger one is refused whole (400), not applied in part.
  for (let i = 0; i < writes.length; i += BATCH_WRITE_LIMIT) {
    const part = await writeChunk(ctx, writes.slice(i, i + BATCH_WRITE_LIMIT));
    if (!part.ok) return part;
    for (const [id, o] of part.value) out.set(id, o);
  }
  return { ok: true, value: out };
}

const BATCH_WRITE_LIMIT = 100;

async function writeChunk(ctx: RunContext, writes: Array<{ write: RevertWrite }>): Promise<Result<Map<string, StageWriteOutcome>, HubSpotError>> {
  const out = new Map<string, StageWriteOutcome>();
  if (writes.length === 0) return { ok: true, value: out };
  ctx.calls.count++;
  const batch = await writeDealStages(ctx.client, writes.map((w) => w.write));
  if (!batch.ok) return batch;
  if (batch.value.outcomes !== null) {
    for (const o of batch.value.outcomes) out.set(o.dealId, o);
    return { ok: true, value: out };
  }
  ctx.calls.count++;
  const reread = await readDeals(ctx.client, writes.map((w) => w.write.dealId), ["dealstage", "pipeline"], []);
  if (!reread.ok) return reread;
  for (const { write } of writes) {
    const stage = reread.value.found.get(write.dealId)?.properties.dealstage;
    if (stage === undefined) {
      out.set(write.dealId, { dealId: write.dealId, ok: false, error: { kind: "not-found", status: 404, message: "deal no longer exists" } });
      continue;
    }
    if (stage === write.stageId) {
      out.set(write.dealId, { dealId: write.dealId, ok: true });
      continue;
    }
    ctx.calls.count++;
    const one = await writeDealStage(ctx.client, write);
    if (one.ok) out.set(write.dealId, { dealId: write.dealId, ok: true });
    else if (one.error.kind === "validation" || one.error.kind === "not-found") out.set(write.dealId, { dealId: write.dealId, ok: false, error: one.error });
    else return one;
  }
  return { ok: true, value: out };
}

function revertTarget(c: RevertCandidate): { pipelineId: string | null; stageId: string } {
  const planned = c.detected.violation.actions.find((a) => a.type === "revert")?.revertTo;
  const change = c.detected.built.change;
  return planned ?? { pipelineId: change.fromPipelineId, stageId: change.fromStage ?? "" };
}

function revertRow(c: RevertCandidate) {
  const target = revertTarget(c);
  const change = c.detected.built.change;
  return { violationId: c.detected.id, dealId: change.dealId, toPipeline: target.pipelineId, toStage: target.stageId, fromStage: change.toStage ?? "" };
}

function markDone(ctx: RunContext, c: RevertCandidate, bookkeeping: D1PreparedStatement[], results: RevertResults): void {
  settle(c, "done", null);
  bookkeeping.push(markRevertStatement(ctx.db, c.detected.id, "done", null, ctx.now));
  const target = revertTarget(c);
  bookkeeping.push(setDealStageStatement(ctx.db, c.detected.built.change.dealId, target.stageId, target.pipelineId, ctx.now));
  if (c.detected.transitionId !== null) bookkeeping.push(markTransitionRevertedStatement(ctx.db, c.detected.transitionId));
  results.reverted.push(c.detected.id);
}
