// Turns detected violations into recorded actions (pending / would-run) and, at execution time, into task
// intents: the rule's task, the manager's task, or the rep's task when HubSpot refused a revert.
import { addBusinessDays, describeMissing, type PlannedAction } from "../policy";
import type { RecordedAction } from "../store/violations-write";
import type { TaskIntent } from "./apply-tasks";
import type { DetectedViolation } from "./evaluate-deals";
import { dealLink, type RunContext } from "./run-context";

/** The actions as first recorded: audit mode records what would have run; `log` is done by recording. */
export function initialActions(detected: DetectedViolation): RecordedAction[] {
  return detected.violation.actions.map((planned): RecordedAction => {
    if (detected.mode === "audit") return { type: planned.type, planned, outcome: "would-run" };
    if (planned.type === "log") return { type: planned.type, planned, outcome: "done" };
    return { type: planned.type, planned, outcome: "pending" };
  });
}

function missingLine(missing: string[]): string {
  return missing.length === 0 ? "" : `\nWhat is missing: ${describeMissing(missing)}`;
}

function taskBody(ctx: RunContext, d: DetectedViolation, body: string, extra = ""): string {
  const v = d.violation;
  return [
    body,
    extra,
    missingLine(v.missing),
    `\nRule: ${v.policyId} / ${v.ruleId} (${v.severity})`,
    `\nDeal: ${dealLink(ctx, d.portalId, d.built.change.dealId)}`,
  ].join("");
}

type Settle = TaskIntent["settle"];

function assigneeFor(ctx: RunContext, d: DetectedViolation, planned: PlannedAction): string | null {
  const owner = d.built.change.ownerId;
  const assignee = planned.task?.assignee;
  if (assignee === undefined || assignee.kind === "owner") return owner;
  if (assignee.kind === "manager") return ctx.metadata.directory.managerOf(owner);
  return assignee.ownerId ?? owner;
}

/** The task intents of one violation's pending task / notify-manager actions. */
export function taskIntents(ctx: RunContext, d: DetectedViolation, actions: RecordedAction[], onSettle: (taskId: string | undefined) => void): TaskIntent[] {
  const out: TaskIntent[] = [];
  const v = d.violation;
  const base = { violationId: d.id, dealId: d.built.change.dealId, policyId: v.policyId, ruleId: v.ruleId };
  actions.forEach((action, index) => {
    if (action.outcome !== "pending") return;
    const planned = v.actions[index];
    if (planned === undefined) return;
    const settle: Settle = (outcome, detail) => {
      action.outcome = outcome;
      if (detail.taskId !== undefined) action.taskId = detail.taskId;
      if (detail.reason !== undefined) action.reason = detail.reason;
      if (detail.error !== undefined) action.error = detail.error;
      if (outcome !== "failed") onSettle(detail.taskId);
    };
    if (planned.type === "task" && planned.task !== undefined) {
      const ownerId = assigneeFor(ctx, d, planned);
      out.push({
        ...base,
        purpose: planned.task.assignee.kind === "manager" ? "manager" : "rep",
        ownerId,
        subject: planned.task.subject,
        body: taskBody(ctx, d, planned.task.body),
        dueAt: addBusinessDays(ctx.now, planned.task.dueInBusinessDays),
        priority: planned.task.priority,
        settle,
      });
    } else if (planned.type === "notify-manager") {
      const manager = ctx.metadata.directory.managerOf(d.built.change.ownerId);
      if (manager === null) {
        action.outcome = "skipped";
        action.reason = "no manager known for the deal owner (configure MANAGER_MAP)";
        return;
      }
      out.push({
        ...base,
        purpose: "manager",
        ownerId: manager,
        subject: `Review needed: ${v.message}`.slice(0, 250),
        body: taskBody(ctx, d, planned.note ?? v.message, `\nDeal owner: ${d.built.change.ownerId ?? "none"}`),
        dueAt: addBusinessDays(ctx.now, 1),
        priority: v.severity === "critical" ? "HIGH" : "MEDIUM",
        settle,
      });
    }
  });
  return out;
}

/** The rep's task when HubSpot refused the revert (unless the rule already gives the rep a task). */
export function fallbackTaskIntent(ctx: RunContext, d: DetectedViolation, actions: RecordedAction[], refusal: string, onSettle: (taskId: string | undefined) => void): TaskIntent | null {
  const v = d.violation;
  const hasRepTask = v.actions.some((a) => a.type === "task" && a.task?.assignee.kind !== "manager");
  if (hasRepTask) return null;
  const action: RecordedAction = { type: "task", planned: { type: "task", fallbackFor: "revert" }, outcome: "pending", reason: "revert refused" };
  actions.push(action);
  return {
    violationId: d.id,
    dealId: d.built.change.dealId,
    policyId: v.policyId,
    ruleId: v.ruleId,
    purpose: "rep",
    ownerId: d.built.change.ownerId,
    subject: `Fix this deal: ${v.message}`.slice(0, 250),
    body: taskBody(ctx, d, v.message, `\nThe engine could not move the deal back (HubSpot said: ${refusal}). Please correct it.`),
    dueAt: addBusinessDays(ctx.now, 1),
    priority: v.severity === "critical" ? "HIGH" : "MEDIUM",
    settle: (outcome, detail) => {
      action.outcome = outcome;
      if (detail.taskId !== undefined) action.taskId = detail.taskId;
      if (detail.error !== undefined) action.error = detail.error;
      if (outcome !== "failed") onSettle(detail.taskId);
    },
  };
}
