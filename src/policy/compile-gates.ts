// The rule kinds that mirror HubSpot's own pipeline gates: requireApproval (an approval before a stage) and
// restrictEdits (who may edit deals in a stage). Names resolved, the approval's condition compiled; nothing throws.
import type { PathSegment } from "./load";
import type { ApprovalPlan, CompileContext, RestrictEditsPlan, TaskPlan } from "./plan";
import { normalizeUserId, resolveStages } from "./resolve";
import type { RequireApprovalDoc, RestrictEditsDoc } from "./schema";
import { compileTemplate } from "./template";
import { compileCel, type CompileInput } from "./compile-cel";

type Path = readonly PathSegment[];

export function compileApproval(input: CompileInput, doc: RequireApprovalDoc, pipelines: ReadonlySet<string> | null, path: Path): ApprovalPlan {
  return {
    stages: resolveStages([doc.stage], pipelines, input.index, input.ctx, [...path, "stage"], true),
    label: doc.stage,
    approvers: doc.approvers.map(normalizeUserId),
    when: doc.when === undefined ? null : compileCel(input, doc.when, [...path, "when"]),
    mode: doc.approvalMode ?? "ANY",
    comment: doc.comment ?? null,
  };
}

export function compileRestrictEdits(input: CompileInput, doc: RestrictEditsDoc, pipelines: ReadonlySet<string> | null, path: Path): RestrictEditsPlan {
  const parts = [doc.users ? `users ${doc.users.join(", ")}` : "", doc.teams ? `teams ${doc.teams.join(", ")}` : ""].filter((p) => p !== "");
  return {
    stages: resolveStages(doc.stages, pipelines, input.index, input.ctx, [...path, "stages"]),
    users: doc.users ? new Set(doc.users.map(normalizeUserId)) : null,
    teams: doc.teams ? new Set(doc.teams) : null,
    text: parts.join(" or "),
  };
}

/** Reports nothing: the default templates below are ours, and only use references that always exist. */
const SILENT: CompileContext = { file: "", report: () => undefined };

/** The default task of an approval rule: to the (first) approver, asking for the review. */
export function approvalTask(input: CompileInput, approval: ApprovalPlan): TaskPlan {
  const who = approval.approvers.map((u) => `user ${u}`).join(", ");
  return {
    subject: compileTemplate("Approve {{new.dealname}} for {{change.to.label}}", input.index, SILENT, []),
    body: compileTemplate(
      `{{new.dealname}} entered {{change.to.label}}, which needs an approval (${approval.mode === "ALL" ? "all of" : "any of"}: ${who}). Review the deal; approve it in HubSpot or move it into {{change.to.label}} yourself.`,
      input.index,
      SILENT,
      [],
    ),
    assignee: { kind: "user-id", userId: approval.approvers[0] ?? "" },
    dueInBusinessDays: 1,
    priority: "HIGH",
  };
}
