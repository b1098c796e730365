// Task writes: batch create (associated to the deal with type 216), the lookup of tasks a create of unknown
// outcome may have made, and completion. Errors are values.
import { AssociationSpecAssociationCategoryEnum } from "@hubspot/api-client/lib/codegen/crm/objects/tasks/index.js";
import { chunk } from "../chunk";
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
    hs_task_type: "TODO", // HubSpot's task type for a to-do (the others are CALL and EMAIL)
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

export interface CreateTasksAnswer {
  outcomes: TaskOutcome[];
  /**
   * Set when a transient failure (429, 5xx, timeout) stopped the run. `unsent` lists the refs HubSpot surely didn't
   * create (never sent, or refused whole: 429, 401/403); any other ref without an outcome may exist in HubSpot.
   */
  stopped: { error: HubSpotError; unsent: string[] } | null;
}

/** A 429 or an auth refusal is answered before HubSpot applies anything; a 5xx or a timeout may come after. */
function provesNothingApplied(error: HubSpotError): boolean {
  return error.kind === "rate-limited" || error.kind === "unauthorized";
}

/**
 * Creates tasks in batches of ≤100. A transient failure (429, 5xx) stops the run and is reported with the outcomes
 * so far, so the caller records what did land and knows which creates are uncertain; a 400 on a batch falls back to
 * one-by-one creates so one bad task doesn't sink the others.
 */
export async function createTasks(client: HubSpotClient, tasks: NewTask[]): Promise<CreateTasksAnswer> {
  const outcomes: TaskOutcome[] = [];
  const stop = (error: HubSpotError, from: number, sentRefs: string[]): CreateTasksAnswer => {
    const later = tasks.slice(from).map((t) => t.ref).filter((ref) => !sentRefs.includes(ref));
    const unsent = provesNothingApplied(error) ? [...sentRefs, ...later] : later;
    return { outcomes, stopped: { error, unsent } };
  };
  for (let i = 0; i < tasks.length; i += BATCH_CREATE_LIMIT) {
    const part = tasks.slice(i, i + BATCH_CREATE_LIMIT);
    const answer = await callHubSpot(() => client.tasks.batch.create({ inputs: part.map(toInput) }));
    if (answer.ok) {
      outcomes.push(...matchResults(part, answer.value));
      continue;
    }
    if (answer.error.kind !== "validation") return stop(answer.error, i, part.map((t) => t.ref));
    for (const [k, task] of part.entries()) {
        const single = await callHubSpot(() => client.tasks.basic.create(toInput(task)));
      if (single.ok) outcomes.push({ ref: task.ref, ok: true, taskId: String(single.value.id) });
      else if (single.error.kind === "validation" || single.error.kind === "not-found") outcomes.push({ ref: task.ref, ok: false, error: single.error });
      else return stop(single.error, i + k, [task.ref]);
    }
  }
  return { outcomes, stopped: null };
}

/**
 * For a retry after a create whose outcome is unknown (timeout, 5xx after HubSpot may have applied it): the tasks
 * on these deals whose body carries one of `refs`' markers, ref → task id. Reads associations v4 (deal → tasks,
 * ≤1000 deals a call) and then the tasks' bodies (batch read, ≤100 a call): both answer from HubSpot's primary
 * store, whereas the search index lags a few seconds behind a create.
 */
export async function findTasksByRef(
  client: HubSpotClient,
  dealIds: string[],
  refs: Set<string>,
): Promise<Result<Map<string, string>, HubSpotError>> {
  const found = new Map<string, string>();
  const deals = [...new Set(dealIds)];
  const taskIds = new Set<string>();
  for (const part of chunk(deals, 1000)) {
    const answer = await callHubSpot(() => client.associations.batch.getPage("deals", "tasks", { inputs: part.map((id) => ({ id })) }));
    if (!answer.ok) return answer;
    for (const r of answer.value.results) for (const t of r.to) taskIds.add(String(t.toObjectId));
  }
  for (const part of chunk([...taskIds], BATCH_CREATE_LIMIT)) {
    const answer = await callHubSpot(() =>
      client.tasks.batch.read({ inputs: part.map((id) => ({ id })), properties: ["hs_task_body"], propertiesWithHistory: [] }, false),
    );
    if (!answer.ok) return answer;
    for (const r of answer.value.results) {
      const ref = readRefMarker(r.properties.hs_task_body ?? null);
      if (ref !== null && refs.has(ref) && !found.has(ref)) found.set(ref, String(r.id));
    }
  }
  return { ok: true, value: found };
}

function readRefMarker(body: string | null): string | null {
  return /\[governance-ref:([^\]]+)\]/.exec(body ?? "")?.[1] ?? null;
}

interface CreateAnswer {
  results: Array<{ id: string; properties: Record<string, string | null> }>;
  errors?: Array<{ category?: string; message?: string }>;
}

/**
 * Batch results carry no input index and a 207 lists only the created tasks: each is matched to its input by the ref
 * marker it carries, never by position. An input without a matching result failed on its own (HubSpot's 207
 * `errors` say why; they name no input for a create), and only that input is recorded as failed.
 */
function matchResults(part: NewTask[], answer: CreateAnswer): TaskOutcome[] {
  const byRef = new Map<string, string>();
  for (const r of answer.results) {
    const ref = readRefMarker(r.properties.hs_task_body ?? null);
    if (ref !== null) byRef.set(ref, String(r.id));
  }
  const reason = (answer.errors ?? []).map((e) => e.message ?? e.category ?? "").filter((m) => m !== "").join("; ");
  return part.map((task): TaskOutcome => {
    const id = byRef.get(task.ref);
    if (id !== undefined) return { ref: task.ref, ok: true, taskId: id };
    const message = reason === "" ? "task missing from the batch answer" : `HubSpot refused the task: ${reason}`;
    return { ref: task.ref, ok: false, error: { kind: "validation", status: 400, category: "VALIDATION_ERROR", message } };
  });
}

/** Marks a task COMPLETED. A task someone deleted counts as done (not-found is returned for the caller to decide). */
export async function completeTask(client: HubSpotClient, taskId: string): Promise<Result<void, HubSpotError>> {
  const answer = await callHubSpot(() => client.tasks.basic.update(taskId, { properties: { hs_task_status: "COMPLETED" } }));
  return answer.ok ? { ok: true, value: undefined } : answer;
}
