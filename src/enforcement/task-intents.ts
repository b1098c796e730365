// The tasks a violation asks for, as intents: the rule's task (owner, manager or a named owner), the manager's
// review task (notify-manager), and the rep's task standing in for a refused revert. A rep's task on a reverted
// violation says, in plain words, that the engine moved the deal back (from where to where) and what to do before
// moving it again. Bodies carry no rule ids, property names or markers (the reference is a task property). Pure.
import { addBusinessDays, describeMissing, type PlannedAction } from "../policy";
import type { RecordedAction } from "../store/violations";
import type { DetectedViolation } from "./evaluate-deal";
import type { RevertNote, TaskIntent } from "./outcomes";
import type { OwnerDirectory } from "./build-change";

export interface TaskContext {
  now: number;
  /** The portal's time zone: due dates count its business days. */
  timeZone: string;
  portalUiUrl: string;
  directory: OwnerDirectory;
  /** A stage's label ("Contract Sent"), its id when unknown. */
  stageLabel: (stageId: string) => string;
  /** A property's label in the portal ("Close Date"), when known. */
  propertyLabel: (name: string) => string | undefined;
}

/** The deal's page in HubSpot, for the task body. */
function dealLink(portalUiUrl: string, portalId: number, dealId: string): string {
  return `${portalUiUrl.replace(/\/+$/, "")}/contacts/${portalId}/record/0-3/${dealId}`;
}

export function taskBody(ctx: TaskContext, d: DetectedViolation, body: string, extra = ""): string {
  const v = d.violation;
  const missing = v.missing.length === 0 ? "" : `\nWhat is missing: ${describeMissing(v.missing, ctx.propertyLabel)}`;
  return [body, extra, missing, `\nDeal: ${dealLink(ctx.portalUiUrl, d.portalId, d.built.change.dealId)}`].join("");
}

/** The lines a reverted violation's rep task opens with: where the engine moved the deal, and what to do first. */
export function revertWords(ctx: TaskContext, d: DetectedViolation, note: RevertNote): string {
  if (note.kind === "skipped") return "";
  const from = ctx.stageLabel(d.built.change.toStage ?? "");
  const missing = d.violation.missing;
  const todo = missing.length === 0 ? "do what this task asks" : `fill in ${describeMissing(missing, ctx.propertyLabel)}`;
  if (note.kind === "done") {
    return `The engine moved this deal back from ${from} to ${note.to}: the move broke a pipeline rule. Before you move it to ${from} again, ${todo}. When it enters ${from} in a way the rule allows, this task is completed for you.\n`;
  }
  return `The engine tried to move this deal back from ${from} to ${note.to}, but HubSpot refused (${note.error}). Please move it back to ${note.to} yourself, and ${todo} before moving it to ${from} again.\n`;
}

function assigneeFor(ctx: TaskContext, d: DetectedViolation, planned: PlannedAction): string | null {
  const owner = d.built.change.ownerId;
  const assignee = planned.task?.assignee;
  if (assignee === undefined || assignee.kind === "owner") return owner;
  if (assignee.kind === "manager") return ctx.directory.managerOf(owner);
  if (assignee.kind === "user-id") return ctx.directory.ownerIdForUser(assignee.userId ?? null) ?? ctx.directory.managerOf(owner);
  return assignee.ownerId ?? owner;
}

function base(d: DetectedViolation) {
  const v = d.violation;
  return { fallback: false, dealId: d.built.change.dealId, policyId: v.policyId, ruleId: v.ruleId };
}

/**
 * The task intents of one violation's pending task / notify-manager actions. A notify-manager with no manager known
 * is decided here: `actions` (the plan's own copy) records it as skipped.
 */
export function taskIntents(ctx: TaskContext, d: DetectedViolation, actions: RecordedAction[], revert: RevertNote = { kind: "skipped" }): TaskIntent[] {
  const out: TaskIntent[] = [];
  const v = d.violation;
  actions.forEach((action, index) => {
    const planned = v.actions[index];
    if (action.outcome !== "pending" || planned === undefined) return;
    const ref = { violationId: d.id, index };
    if (planned.type === "task" && planned.task !== undefined) {
      const rep = planned.task.assignee.kind !== "manager";
      out.push({
        ...base(d), ref,
        purpose: planned.task.assignee.kind === "manager" ? "manager" : "rep",
        ownerId: assigneeFor(ctx, d, planned),
        subject: planned.task.subject,
        body: (rep ? revertWords(ctx, d, revert) : "") + taskBody(ctx, d, planned.task.body),
        dueAt: addBusinessDays(ctx.now, planned.task.dueInBusinessDays, ctx.timeZone),
        priority: planned.task.priority,
      });
    } else if (planned.type === "notify-manager") {
      const manager = ctx.directory.managerOf(d.built.change.ownerId);
      if (manager === null) {
        actions[index] = { ...action, outcome: "skipped", reason: "no manager known for the deal owner (configure MANAGER_MAP)" };
        return;
      }
      out.push({
        ...base(d), ref,
        purpose: "manager",
        ownerId: manager,
        subject: `Review needed: ${v.message}`.slice(0, 250),
        body: taskBody(ctx, d, planned.note ?? v.message, `\nDeal owner: ${d.built.change.ownerId ?? "none"}`),
        dueAt: addBusinessDays(ctx.now, 1, ctx.timeZone),
        priority: v.severity === "critical" ? "HIGH" : "MEDIUM",
      });
    }
  });
  return out;
}

/** Does the rule itself already give the rep a task (so a refused revert needs no stand-in)? */
export function hasRepTask(d: DetectedViolation): boolean {
  return d.violation.actions.some((a) => a.type === "task" && a.task?.assignee.kind !== "manager");
}

/** The rep's task when HubSpot refused the revert, recorded at `index` of the violation's actions. */
export function fallbackTaskIntent(ctx: TaskContext, d: DetectedViolation, index: number, refusal: string): TaskIntent {
  const v = d.violation;
  return {
    ...base(d),
    ref: { violationId: d.id, index },
    fallback: true,
    purpose: "rep",
    ownerId: d.built.change.ownerId,
    subject: `Fix this deal: ${v.message}`.slice(0, 250),
    body: taskBody(ctx, d, v.message, `\nThe engine could not move the deal back (HubSpot said: ${refusal}). Please correct it.`),
    dueAt: addBusinessDays(ctx.now, 1, ctx.timeZone),
    priority: v.severity === "critical" ? "HIGH" : "MEDIUM",
  };
}
