// Remediation: once a deal complies with a rule it violated, the violation is resolved (by the evaluation) and
// the engine's task for it is completed in HubSpot. Completion is found from D1 state, so a retry finishes it.
import type { HubSpotError, Result } from "../hubspot/errors";
import { completeTask } from "../hubspot/tasks";
import { findTasksToComplete, markTaskCompletedStatement } from "../store/deal-tasks";
import type { RunContext } from "./run-context";

/** Completes the open tasks of fixed rules on these deals. Transient failures are returned (retry the message). */
export async function completeFixedTasks(ctx: RunContext, dealIds: string[]): Promise<Result<{ completed: number }, HubSpotError>> {
  if (dealIds.length === 0) return { ok: true, value: { completed: 0 } };
  const rows = await findTasksToComplete(ctx.db, dealIds);
  let completed = 0;
  for (const row of rows) {
    if (row.task_id === null) continue;
    ctx.calls.count++;
    const answer = await completeTask(ctx.client, row.task_id);
    // A task someone deleted in HubSpot is as done as it gets.
    if (!answer.ok && answer.error.kind !== "not-found") return answer;
    await markTaskCompletedStatement(ctx.db, row.id, ctx.now).run();
    completed++;
  }
  return { ok: true, value: { completed } };
}
