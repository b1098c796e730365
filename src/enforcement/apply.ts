// Step 4, apply: the plan's HubSpot writes — reverts and the rules' tasks side by side (the deals' governance
// properties as soon as the reverts are settled), then the rep's tasks standing in for refused reverts and the
// rewording of a revert's task where the revert didn't land, then the completion of fixed rules' tasks — returned as
// outcomes matched to the plan by (violation, action). Decides nothing the plan didn't say and mutates nothing the
// plan made.
import type { HubSpotClient } from "../hubspot/client";
import type { HubSpotError } from "../hubspot/errors";
import { completeTask, rewordTask } from "../hubspot/tasks";
import { NO_GOVERNANCE, ridingGovernance, settleGovernance } from "./apply-governance";
import { applyReverts, type RevertContext, type RevertWrites } from "./apply-reverts";
import { applyTasks } from "./apply-tasks";
import type { Applied, TaskCompletion, TaskIntent } from "./outcomes";
import type { Plan } from "./plan-types";
import type { Snapshot } from "./snapshot";

/** Runs every HubSpot write of the plan. A HubSpot failure stops what depends on it and comes back in `failure`. */
export async function applyPlan(ctx: RevertContext, plan: Plan): Promise<Applied> {
  // The governance values ride in the reverts' batch update (one call, not two: a burst reverts in most runs).
  const revertsSent = applyReverts(ctx, plan.reverts, ridingGovernance(plan.governance, plan.reverts.length));
  // The governance values depend only on whether the reverts landed: settled alongside the tasks, not after them, so
  // they don't lengthen the run the queue's next batch waits for.
  const governanceSent = revertsSent.then((r) => (r.failure !== null ? NO_GOVERNANCE : settleGovernance(ctx, plan.governance, revertedIds(r.reverted), r.ridden)));
  const [reverts, tasks, governance] = await Promise.all([revertsSent, applyTasks(ctx, plan.tasks), governanceSent]);
  const applied: Applied = {
    outcomes: [...reverts.outcomes, ...tasks.outcomes],
    reverted: reverts.reverted,
    revertMarks: reverts.revertMarks,
    completed: [],
    tasksCreated: tasks.created,
    governance,
    failure: reverts.failure,
  };
  if (reverts.failure !== null) return { ...applied, outcomes: [...applied.outcomes, ...unsettled(plan.tasks, applied)] };

  const fallbacks: TaskIntent[] = [...plan.lateTasks, ...reverts.refused.flatMap((r) => r.intent.fallbacks.map((make) => make(r.error)))];
  const [late, reworded] = await Promise.all([applyTasks(ctx, fallbacks), rewordRepTasks(ctx.client, reverts.results, tasks.outcomes)]);
  applied.outcomes.push(...late.outcomes);
  applied.outcomes.push(...unsettled([...plan.tasks, ...fallbacks], applied));
  applied.tasksCreated += late.created;
  applied.failure = tasks.failure ?? late.failure ?? reworded ?? governance.failure;
  if (applied.failure !== null) return applied;

  const reverted = revertedIds(applied.reverted);
  const completions = plan.completions.filter((c) => c.unlessOpen.every((id) => reverted.has(id)));
  const completed = await completeTasks(ctx.client, completions);
  applied.completed = completed.rowIds;
  applied.failure = completed.failure;
  return applied;
}

/** The violations whose revert landed in this run, with the siblings it resolved. */
function revertedIds(reverted: Applied["reverted"]): Set<string> {
  return new Set(reverted.flatMap((r) => [r.violationId, ...r.siblings]));
}

/** The stages the batch read saw, and when: a revert's "re-read just before the write" when still fresh. */
export function lastReadOf(snapshot: Snapshot): RevertContext["lastRead"] {
  const deals = snapshot.live?.deals ?? [];
  const stages = new Map(deals.map((d) => [d.deal.id, { stage: d.deal.properties.dealstage ?? null, pipeline: d.deal.properties.pipeline ?? null }]));
  return { at: snapshot.live?.readAt ?? 0, stages };
}

/** Fallback tasks issued but not settled stay "pending" on the violation: the retry creates them. */
function unsettled(intents: TaskIntent[], applied: Applied): Applied["outcomes"] {
  const settled = new Set(applied.outcomes.map((o) => `${o.ref.violationId}#${o.ref.index}`));
  return intents.filter((i) => i.fallback && !settled.has(`${i.ref.violationId}#${i.ref.index}`)).map((i) => ({ ref: i.ref, status: "pending", fallback: true }));
}

/**
 * The rep tasks sent beside a revert that didn't land, reworded from its answer (plan-actions.ts). Only this
 * violation's own task (`done`): one that was skipped for another violation's open task isn't this revert's to
 * reword. A failure is returned so the run is retried (the retry finds the task and rewords it then).
 */
async function rewordRepTasks(client: HubSpotClient, results: RevertWrites["results"], outcomes: Applied["outcomes"]): Promise<HubSpotError | null> {
  const taskOf = new Map(outcomes.flatMap((o) => (o.status === "done" && o.taskId !== undefined ? [[`${o.ref.violationId}#${o.ref.index}`, o.taskId] as const] : [])));
  for (const { intent, result } of results) {
    for (const f of intent.followUps) {
      const body = f.reword(result);
      const taskId = taskOf.get(`${f.ref.violationId}#${f.ref.index}`);
      if (body === null || taskId === undefined) continue;
      const answer = await rewordTask(client, taskId, body);
      if (!answer.ok && answer.error.kind !== "not-found") return answer.error;
    }
  }
  return null;
}

async function completeTasks(client: HubSpotClient, completions: TaskCompletion[]) {
  const rowIds: string[] = [];
  for (const c of completions) {
    const answer = await completeTask(client, c.taskId);
    // A task someone deleted in HubSpot is as done as it gets.
    if (!answer.ok && answer.error.kind !== "not-found") return { rowIds, failure: answer.error };
    rowIds.push(c.rowId);
  }
  return { rowIds, failure: null };
}
