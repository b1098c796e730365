// Task writes: batch create (associated to the deal with type 216, each task carrying the engine's reference in a
// task property — task-ref.ts), the lookup of tasks a create of unknown outcome may have made, whether the engine's
// tasks are still open, and completion. Errors are values.
import { AssociationSpecAssociationCategoryEnum } from "@hubspot/api-client/lib/codegen/crm/objects/tasks/index.js";
import { chunk } from "../chunk";
import type { HubSpotClient } from "./client";
import { callHubSpot, type HubSpotError, type Result } from "./errors";
import { installTaskRefProperty, isMissingRefProperty, refOfTask, TASK_REF_PROPERTY } from "./task-ref";

/** HubSpot-defined association type task → deal. */
export const TASK_TO_DEAL_ASSOCIATION = 216;
export const BATCH_CREATE_LIMIT = 100;

export interface NewTask {
  /** Our idempotency reference (deal_tasks.id): written to the task's reference property, used to match batch results. */
  ref: string;
  dealId: string;
  ownerId: string | null;
  subject: string;
  body: string;
  dueAt: number;
  priority: "LOW" | "MEDIUM" | "HIGH";
}

export type TaskOutcome = { ref: string; ok: true; taskId: string } | { ref: string; ok: false; error: HubSpotError };

/** `withRef` false: the portal refused the reference property (the task is created without it). */
function toInput(task: NewTask, withRef = true) {
  const properties: Record<string, string> = {
    hs_timestamp: String(task.dueAt),
    hs_task_subject: task.subject.slice(0, 250),
    hs_task_body: task.body,
    hs_task_status: "NOT_STARTED",
    hs_task_priority: task.priority,
    hs_task_type: "TODO", // HubSpot's task type for a to-do (the others are CALL and EMAIL)
  };
  if (task.ownerId !== null) properties.hubspot_owner_id = task.ownerId;
  if (withRef) properties[TASK_REF_PROPERTY] = task.ref;
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
 * one-by-one creates so one bad task doesn't sink the others. The first create refused because the reference
 * property doesn't exist yet installs it and sends again; a portal that refuses the property gets one-by-one creates
 * without a reference (each answer is its input's; a lost answer can't be looked up there).
 */
export async function createTasks(client: HubSpotClient, tasks: NewTask[]): Promise<CreateTasksAnswer> {
  const outcomes: TaskOutcome[] = [];
  const stop = (error: HubSpotError, from: number, sentRefs: string[]): CreateTasksAnswer => {
    const later = tasks.slice(from).map((t) => t.ref).filter((ref) => !sentRefs.includes(ref));
    const unsent = provesNothingApplied(error) ? [...sentRefs, ...later] : later;
    return { outcomes, stopped: { error, unsent } };
  };
  let withRef = true;
  for (let i = 0; i < tasks.length; i += BATCH_CREATE_LIMIT) {
    const part = tasks.slice(i, i + BATCH_CREATE_LIMIT);
    const send = () => callHubSpot(() => client.tasks.batch.create({ inputs: part.map((t) => toInput(t, true)) }));
    let answer = withRef ? await send() : null;
    if (answer !== null && !answer.ok && isMissingRefProperty(answer.error)) {
      // HubSpot validates a batch before creating anything: none of `part` exists.
      const installed = await installTaskRefProperty(client);
      if (!installed.ok) return stop(installed.error, i, []);
      withRef = installed.value === "installed";
      if (!withRef) console.warn(`HubSpot refused the task property ${TASK_REF_PROPERTY}: tasks are created one by one without a reference`);
      answer = withRef ? await send() : null;
    }
    if (answer !== null && answer.ok) {
      outcomes.push(...matchResults(part, answer.value));
      continue;
    }
    if (answer !== null && answer.error.kind !== "validation") return stop(answer.error, i, part.map((t) => t.ref));
    for (const [k, task] of part.entries()) {
      const single = await callHubSpot(() => client.tasks.basic.create(toInput(task, withRef)));
      if (single.ok) outcomes.push({ ref: task.ref, ok: true, taskId: String(single.value.id) });
      else if (single.error.kind === "validation" || single.error.kind === "not-found") outcomes.push({ ref: task.ref, ok: false, error: single.error });
      else return stop(single.error, i + k, [task.ref]);
    }
  }
  return { outcomes, stopped: null };
}

/**
 * For a retry after a create whose outcome is unknown (timeout, 5xx after HubSpot may have applied it): the tasks
 * on these deals carrying one of `refs`, ref → task id — matched exactly on the reference property (task-ref.ts),
 * never by the first marker in a body. Reads associations v4 (deal → tasks, ≤1000 deals a call) and then the tasks
 * (batch read, ≤100 a call): both answer from HubSpot's primary store, whereas the search index lags a few seconds
 * behind a create.
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
      client.tasks.batch.read({ inputs: part.map((id) => ({ id })), properties: [TASK_REF_PROPERTY, "hs_task_body"], propertiesWithHistory: [] }, false),
    );
    if (!answer.ok) return answer;
    for (const r of answer.value.results) {
      const ref = refOfTask(r.properties, refs);
      if (ref !== null && !found.has(ref)) found.set(ref, String(r.id));
    }
  }
  return { ok: true, value: found };
}

interface CreateAnswer {
  results: Array<{ id: string; properties: Record<string, string | null> }>;
  errors?: Array<{ category?: string; message?: string }>;
}

/**
 * Batch results carry no input index and a 207 lists only the created tasks: each is matched to its input by the
 * reference property it carries (HubSpot echoes the written properties), never by position. An input without a matching result failed on its own (HubSpot's 207
 * `errors` say why; they name no input for a create), and only that input is recorded as failed.
 */
function matchResults(part: NewTask[], answer: CreateAnswer): TaskOutcome[] {
  const byRef = new Map<string, string>();
  for (const r of answer.results) {
    const ref = r.properties[TASK_REF_PROPERTY] ?? "";
    if (ref !== "") byRef.set(ref, String(r.id));
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

/** Replaces a task's body (a revert's task worded before HubSpot answered the revert). */
export async function rewordTask(client: HubSpotClient, taskId: string, body: string): Promise<Result<void, HubSpotError>> {
  const answer = await callHubSpot(() => client.tasks.basic.update(taskId, { properties: { hs_task_body: body } }));
  return answer.ok ? { ok: true, value: undefined } : answer;
}

/**
 * Whether the engine's tasks are still open in HubSpot: task id → "open" | "completed"; a task someone deleted is
 * absent (the batch read lists it in `errors`). One batch read per ≤100 tasks.
 */
export async function readTaskStates(client: HubSpotClient, taskIds: string[]): Promise<Result<Map<string, "open" | "completed">, HubSpotError>> {
  const out = new Map<string, "open" | "completed">();
  for (const part of chunk([...new Set(taskIds)], BATCH_CREATE_LIMIT)) {
    const answer = await callHubSpot(() => client.tasks.batch.read({ inputs: part.map((id) => ({ id })), properties: ["hs_task_status"], propertiesWithHistory: [] }, false));
    if (!answer.ok) return answer;
    for (const r of answer.value.results) out.set(String(r.id), r.properties.hs_task_status === "COMPLETED" ? "completed" : "open");
  }
  return { ok: true, value: out };
}
