// Warn mode, between audit and enforce: the rep gets the rule's task, nothing is reverted. The revert is recorded as
// what enforce would have done; a rule whose only word to the rep was the revert gives the rep a task in its place,
// recorded as one more action of the violation (so a retry finds it and never creates it twice). Pure.
import { addBusinessDays } from "../policy";
import type { RecordedAction } from "../store/violations";
import type { DetectedViolation } from "./evaluate-deal";
import type { TaskIntent } from "./outcomes";
import { hasRepTask, taskBody, type TaskContext } from "./task-intents";

export const WARN_NOT_REVERTED = "warn mode: nothing is reverted";
const WARN_TASK = "warn mode: a task instead of the revert";

/** A warn-mode violation whose rule would revert but gives the rep no task of its own. */
export function needsWarnTask(d: DetectedViolation): boolean {
  return d.mode === "warn" && d.violation.actions.some((a) => a.type === "revert") && !hasRepTask(d);
}

/** The stand-in task as first recorded (appended after the rule's own actions). */
export function warnTaskAction(): RecordedAction {
  return { type: "task", planned: { type: "task", standInFor: "revert", mode: "warn" }, outcome: "pending", reason: WARN_TASK };
}

/** The rep's task for each pending warn stand-in among the violation's recorded actions. */
export function warnTaskIntents(ctx: TaskContext, d: DetectedViolation, actions: RecordedAction[]): TaskIntent[] {
  const v = d.violation;
  return actions.flatMap((a, index): TaskIntent[] => {
    if (a.reason !== WARN_TASK || a.outcome !== "pending") return [];
    return [{
      ref: { violationId: d.id, index },
      fallback: false,
      dealId: d.built.change.dealId,
      policyId: v.policyId,
      ruleId: v.ruleId,
      purpose: "rep",
      ownerId: d.built.change.ownerId,
      subject: `Fix this deal: ${v.message}`.slice(0, 250),
      body: taskBody(ctx, d, v.message, "\nThe engine is warning, not moving the deal back yet: please correct it."),
      dueAt: addBusinessDays(ctx.now, 1),
      priority: v.severity === "critical" ? "HIGH" : "MEDIUM",
    }];
  });
}
