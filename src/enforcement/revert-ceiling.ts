// The daily revert ceiling: beyond the hourly cap, a deal that keeps being moved (a workflow ping-pong) is reverted at
// most N times a day; after that the engine stops reverting it, records why, and tells the manager once. Pure.
import { addBusinessDays } from "../policy";
import type { RecordedAction } from "../store/violations";
import type { DetectedViolation } from "./evaluate-deal";
import type { TaskIntent } from "./outcomes";
import type { TaskContext } from "./task-intents";

export const DAY_MS = 24 * 3600_000;

/** The reason recorded on a revert the ceiling stopped. */
export function ceilingReason(maxPerDay: number): string {
  return `daily revert ceiling reached (${maxPerDay} per deal per day): the engine stops reverting this deal and has told the manager`;
}

/** The manager's notice, recorded as an extra action of the violation. */
export function ceilingNoticeAction(): RecordedAction {
  return { type: "notify-manager", planned: { type: "notify-manager", reason: "revert-ceiling" }, outcome: "pending", reason: "revert ceiling" };
}

/** The manager's task: the deal keeps being moved into a stage the rules forbid and the engine has stopped undoing it. */
export function ceilingNoticeIntent(ctx: TaskContext, d: DetectedViolation, index: number, maxPerDay: number): TaskIntent | null {
  const manager = ctx.directory.managerOf(d.built.change.ownerId);
  if (manager === null) return null;
  const change = d.built.change;
  return {
    ref: { violationId: d.id, index },
    fallback: false,
    dealId: change.dealId,
    policyId: d.violation.policyId,
    ruleId: d.violation.ruleId,
    purpose: "manager",
    ownerId: manager,
    subject: `Deal keeps being moved against the rules: ${d.violation.message}`.slice(0, 250),
    body: [
      d.violation.message,
      `\nThis deal was moved back ${maxPerDay} times in the last day and was moved again; the engine stops moving it back until fewer than ${maxPerDay} of its reverts fall within the last 24 hours.`,
      "\nPlease find out what keeps moving it (a workflow, an integration or a person) and settle the stage with the deal owner.",
    ].join(""),
    dueAt: addBusinessDays(ctx.now, 1, ctx.timeZone),
    priority: "HIGH",
  };
}
