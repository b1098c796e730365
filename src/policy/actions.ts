// A violated rule's planned actions: tasks with rendered subject/body, the revert target, log/notify notes.
import type { ChangeContext } from "./context";
import type { RulePlan } from "./plan";
import { renderTemplate, type RenderInput } from "./template";
import type { PlannedAction } from "./types";

/** Renders the rule's actions for this change. A revert without a stage to go back to is dropped. */
export function planActions(rule: RulePlan, ctx: ChangeContext, input: RenderInput, message: string): PlannedAction[] {
  const out: PlannedAction[] = [];
  for (const action of rule.actions) {
    switch (action.type) {
      case "task": {
        const task = action.task;
        if (task === null) break;
        out.push({
          type: "task",
          task: {
            subject: renderTemplate(task.subject, input).slice(0, 255),
            body: renderTemplate(task.body, input),
            assignee: task.assignee.kind === "owner-id" ? { kind: "owner-id", ownerId: task.assignee.ownerId ?? "" }
              : task.assignee.kind === "user-id" ? { kind: "user-id", userId: task.assignee.userId ?? "" } : { kind: task.assignee.kind },
            dueInBusinessDays: task.dueInBusinessDays,
            priority: task.priority,
          },
        });
        break;
      }
      case "revert":
        if (ctx.stageChanged && ctx.change.fromStage !== null) {
          out.push({ type: "revert", revertTo: { pipelineId: ctx.change.fromPipelineId ?? ctx.change.pipelineId, stageId: ctx.change.fromStage } });
        }
        break;
      case "log":
      case "notify-manager":
        out.push({ type: action.type, note: message });
        break;
    }
  }
  return out;
}
