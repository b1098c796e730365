// No stuck rows (issue 16.2): a task create or a revert whose answer was lost leaves its row `planned`; normally the
// message's retry settles it, but a message that dead-lettered or a crash after the ack leaves it for good — and a
// planned task row blocks the next violation's task on that deal (one open or planned task per rule). On the cron,
// rows planned longer than SETTLE_AFTER_MS are settled from HubSpot: a task found by its reference is adopted, one
// not found is marked failed (the next violation gets a task); a revert is done if the deal is at its target stage,
// failed otherwise.
import type { HubSpotClient } from "../../hubspot/client";
import { readDeals } from "../../hubspot/deals";
import { describeError } from "../../hubspot/errors";
import { findTasksByRef } from "../../hubspot/tasks";

/** Longer than a message's whole retry horizon (~47 min): its retries are over, nothing else will settle the row. */
export const SETTLE_AFTER_MS = 60 * 60_000;
const ROWS_PER_RUN = 100;

export interface SettleResult {
  adopted: number;
  tasksFailed: number;
  revertsDone: number;
  revertsFailed: number;
}

/** Settles stale planned task and revert rows. Throws for D1; HubSpot trouble is thrown as an Error (the cron reports it). */
export async function settlePlannedWrites(db: D1Database, client: HubSpotClient, now: number): Promise<SettleResult> {
  const cutoff = now - SETTLE_AFTER_MS;
  const out: SettleResult = { adopted: 0, tasksFailed: 0, revertsDone: 0, revertsFailed: 0 };
  const tasks = await db
    .prepare("SELECT id, deal_id, attempts FROM deal_tasks WHERE status = 'planned' AND updated_at < ?1 ORDER BY updated_at LIMIT ?2")
    .bind(cutoff, ROWS_PER_RUN)
    .all<{ id: string; deal_id: string; attempts: number }>();
  const statements: D1PreparedStatement[] = [];
  const sent = tasks.results.filter((t) => t.attempts > 0);
  const found = sent.length === 0 ? new Map<string, string>() : await lookUp(client, sent.map((t) => t.deal_id), new Set(sent.map((t) => t.id)));
  for (const t of tasks.results) {
    const taskId = found.get(t.id);
    if (taskId !== undefined) {
      statements.push(settleTask(db, t.id, "open", taskId, null, now));
      out.adopted++;
    } else {
      statements.push(settleTask(db, t.id, "failed", null, `settled by the sweep: ${t.attempts > 0 ? "no task with its reference in HubSpot" : "never created"}`, now));
      out.tasksFailed++;
    }
  }
  const reverts = await db
    .prepare("SELECT violation_id, deal_id, to_stage FROM reverts WHERE status = 'planned' AND planned_at < ?1 ORDER BY planned_at LIMIT ?2")
    .bind(cutoff, ROWS_PER_RUN)
    .all<{ violation_id: string; deal_id: string; to_stage: string }>();
  if (reverts.results.length > 0) {
    const read = await readDeals(client, reverts.results.map((r) => r.deal_id), ["dealstage"], []);
    if (!read.ok) throw new Error(`settling reverts: ${describeError(read.error)}`);
    for (const r of reverts.results) {
      const at = read.value.found.get(r.deal_id)?.properties.dealstage ?? null;
      const done = at === r.to_stage;
      statements.push(
        db
          .prepare("UPDATE reverts SET status = ?2, reason = ?3, done_at = ?4 WHERE violation_id = ?1 AND status = 'planned'")
          .bind(r.violation_id, done ? "done" : "failed", done ? null : "settled by the sweep: the deal is not at the revert's target", done ? now : null),
      );
      if (done) out.revertsDone++;
      else out.revertsFailed++;
    }
  }
  if (statements.length > 0) await db.batch(statements);
  return out;
}

/** Only a row still planned changes: a retry that settled it meanwhile wins. */
function settleTask(db: D1Database, id: string, status: "open" | "failed", taskId: string | null, error: string | null, now: number): D1PreparedStatement {
  return db
    .prepare("UPDATE deal_tasks SET status = ?2, task_id = COALESCE(?3, task_id), error = ?4, updated_at = ?5 WHERE id = ?1 AND status = 'planned'")
    .bind(id, status, taskId, error, now);
}

async function lookUp(client: HubSpotClient, dealIds: string[], refs: Set<string>): Promise<Map<string, string>> {
  const found = await findTasksByRef(client, dealIds, refs);
  if (!found.ok) throw new Error(`settling tasks: ${describeError(found.error)}`);
  return found.value;
}
