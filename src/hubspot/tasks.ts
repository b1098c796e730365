// Task writes: batch create (associated to the deal with type 216) and completion. Errors are values.
import { AssociationSpecAssociationCategoryEnum } from "@hubspot/api-client/lib/codegen/crm/objects/tasks/index.js";
import type { HubSpotClient } from "./client";
import { callHubSpot, type HubSpotError, type Result } from "./errors";

/** HubSpot-defined association type task → deal. */
export const TASK_TO_DEAL_ASSOCIATION = 216;
export const BATCH_CREATE_LIMIT = 100;

export interface NewTask {
  /** Our idempotency reference (deal_tasks.id): written into the body and used to match batch results. */
  ref: string;
  dealId: string;
  ownerId: string | null;
  subject: string;
  body: string;
  dueAt: number;
  priority: "LOW" | "MEDIUM" | "HIGH";
}

export type TaskOutcome = { ref: string; ok: true; taskId: string } | { ref: string; ok: false; error: HubSpotError };

export function refMarker(ref: string): string {
  return `[governance-ref:${ref}]`;
}

function toInput(task: NewTask) {
  const properties: Record<string, string> = {
    hs_timestamp: String(task.dueAt),
    hs_task_subject: task.subject.slice(0, 250),
    hs_task_body: `${task.body}\n\n${refMarker(task.ref)}`,
    hs_task_status: "NOT_STARTED",
    hs_task_priority: task.priority,
    hs_task_type: "TODO",
  };
  if (task.ownerId !== null) properties.hubspot_owner_id = task.ownerId;
  return {
    properties,
    associations: [
      {
        to: { id: task.dealId },
        types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: TASK_TO_DEAL_ASSOCIATION }],
      },
    ],
  };
}

/**
 * Creates tasks in batches of ≤100. A transient failure (429, 5xx) aborts with that error so the message is retried;
 * a 400 on a batch falls back to one-by-one creates so one bad task doesn't sink the others.
 */
export async function createTasks(
  client: HubSpotClient,
  tasks: NewTask[],
): Promise<Result<{ outcomes: TaskOutcome[]; calls: number }, HubSpotError>> {
  const outcomes: TaskOutcome[] = [];
  let calls = 0;
  for (let i = 0; i < tasks.length; i += BATCH_CREATE_LIMIT) {
    const chunk = tasks.slice(i, i + BATCH_CREATE_LIMIT);
    calls++;
    const answer = await callHubSpot(() => client.tasks.batch.create({ inputs: chunk.map(toInput) }));
    if (answer.ok) {
      outcomes.push(...matchResults(chunk, answer.value.results));
      continue;
    }
    if (answer.error.kind !== "validation") return answer;
    for (const task of chunk) {
      calls++;
      const single = await callHubSpot(() => client.tasks.basic.create(toInput(task)));
      if (single.ok) outcomes.push({ ref: task.ref, ok: true, taskId: String(single.value.id) });
      else if (single.error.kind === "validation" || single.error.kind === "not-found") outcomes.push({ ref: task.ref, ok: false, error: single.error });
      else return single;
    }
  }
  return { ok: true, value: { outcomes, calls } };
}

/** Batch results carry no input index: match on the ref marker in the body, else fall back to order. */
function matchResults(chunk: NewTask[], results: Array<{ id: string; properties: Record<string, string | null> }>): TaskOutcome[] {
  const byRef = new Map<string, string>();
  for (const r of results) {
    const body = r.properties.hs_task_body ?? "";
    const match = /\[governance-ref:([^\]]+)\]/.exec(body);
    if (match?.[1] !== undefined) byRef.set(match[1], String(r.id));
  }
  return chunk.map((task, index): TaskOutcome => {
    const id = byRef.get(task.ref) ?? results[index]?.id;
    return id === undefined
      ? { ref: task.ref, ok: false, error: { kind: "unexpected", status: 200, message: "task missing from batch answer" } }
      : { ref: task.ref, ok: true, taskId: String(id) };
  });
}

/** Marks a task COMPLETED. A task someone deleted counts as done (not-found is returned for the caller to decide). */
export async function completeTask(client: HubSpotClient, taskId: string): Promise<Result<void, HubSpotError>> {
  const answer = await callHubSpot(() => client.tasks.basic.update(taskId, { properties: { hs_task_status: "COMPLETED" } }));
  return answer.ok ? { ok: true, value: undefined } : answer;
}
