// A portal's native pipeline rules (pipelines-rules 2026-09-beta) and HubSpot's synchronous enforcement of them:
// checked before a write is saved, for the UI, bulk edits and API writes that carry a user id — never for workflows,
// imports, app writes without a user id, or super admins (REFERENCE.md §7, §8). Readings shared with the engine's
// compiler come from src/policy/native/mapping.ts, so correcting one corrects both.
import { protects } from "../../src/policy/native/mapping";
import type { ApprovalStatus } from "../../src/policy/types";
import type { FilterBranch, PipelineRules, StagePermission } from "../../src/policy/native/types";
import { matchesFilterBranch } from "./native-filter";
import type { PortalStore } from "./store";
import type { ChangeActor, CrmObject } from "./types";

export type NativeRuleCode = "NO_SKIPPING_STAGES" | "NO_BACKWARDS_MOVEMENT" | "OBJECT_CREATION" | "APPROVAL_REQUIRED" | "STAGE_EDIT_PERMISSION";

export interface NativeRefusal {
  code: NativeRuleCode;
  message: string;
  pipelineId: string;
  stageId: string;
}

export interface RefusalRecord extends NativeRefusal {
  at: number;
  dealId: string | null;
  sourceType: string;
  userId: number | null;
}

export const NO_RULES: PipelineRules = { noSkippingStagesRule: null, noBackwardsMovementRule: null, objectCreationRule: null, approvalStage: null };

export class NativeRules {
  readonly rules = new Map<string, PipelineRules>();
  readonly permissions = new Map<string, StagePermission[]>();
  /** dealId → approval status (set by approvals/start and by approvers deciding). */
  readonly approvals = new Map<string, ApprovalStatus>();
  /** Every write HubSpot refused, newest last (the control API shows them). */
  readonly refusals: RefusalRecord[] = [];

  rulesOf(pipelineId: string): PipelineRules {
    return this.rules.get(pipelineId) ?? NO_RULES;
  }

  /** HubSpot's rules apply to people in HubSpot's tools: UI, bulk edits, and API writes made on a user's behalf. */
  static applies(actor: ChangeActor, superAdmin: boolean): boolean {
    if (superAdmin) return false;
    if (actor.sourceType === "CRM_UI" || actor.sourceType === "CRM_UI_BULK_ACTION") return true;
    return (actor.sourceType === "API" || actor.sourceType === "INTEGRATION") && actor.updatedByUserId !== undefined;
  }

  /** The approval status HubSpot reports for a deal now. */
  approvalStatus(deal: CrmObject): ApprovalStatus {
    const gate = this.rulesOf(deal.properties.pipeline ?? "default").approvalStage;
    if (gate === null) return "NOT_APPLICABLE";
    const known = this.approvals.get(deal.id);
    if (known !== undefined) return known;
    return conditionHolds(gate.conditionalApprovalFilterBranch, deal.properties) ? "PENDING" : "NO_APPROVAL_NEEDED";
  }

  /**
   * Checks a write as HubSpot would before saving it. `values` are the properties written; `deal` is undefined on
   * create. Returns the refusal, or null when the write may go ahead (or the rules don't apply to this actor).
   */
  check(store: PortalStore, deal: CrmObject | undefined, values: Record<string, string | null>, actor: ChangeActor, superAdmin: boolean): NativeRefusal | null {
    if (!NativeRules.applies(actor, superAdmin)) return null;
    const pipelineId = values.pipeline ?? deal?.properties.pipeline ?? "default";
    const pipeline = store.pipelines.find((p) => p.id === pipelineId);
    if (pipeline === undefined) return null;
    const ordered = [...pipeline.stages].sort((a, b) => a.displayOrder - b.displayOrder);
    const rules = this.rulesOf(pipelineId);
    const toId = values.dealstage ?? deal?.properties.dealstage ?? "";
    const label = (id: string) => ordered.find((s) => s.id === id)?.label ?? id;
    const refuse = (code: NativeRuleCode, message: string): NativeRefusal => ({ code, message, pipelineId, stageId: toId });
    if (deal === undefined) {
      const allowed = rules.objectCreationRule?.pipelineStageIds;
      if (allowed !== undefined && !allowed.includes(toId)) return refuse("OBJECT_CREATION", `Deals in ${pipeline.label} can't be created in ${label(toId)}. Allowed stages: ${allowed.map(label).join(", ")}.`);
      return null;
    }
    const fromId = deal.properties.dealstage ?? "";
    const permission = this.permissions.get(deal.properties.pipeline ?? "default")?.find((p) => p.pipelineStageId === fromId);
    if (permission?.permissionMode === "RESTRICTED" && !mayEdit(store, permission, actor.updatedByUserId)) {
      return refuse("STAGE_EDIT_PERMISSION", `You don't have permission to edit deals in ${label(fromId)}.`);
    }
    if (values.dealstage === undefined || toId === fromId || (values.pipeline !== undefined && values.pipeline !== deal.properties.pipeline)) return null;
    const from = ordered.findIndex((s) => s.id === fromId);
    const to = ordered.findIndex((s) => s.id === toId);
    if (from >= 0 && to > from && protects(rules.noSkippingStagesRule, toId) && ordered.slice(from + 1, to).some((s) => !s.isClosed)) {
      return refuse("NO_SKIPPING_STAGES", `Deals can't skip stages in ${pipeline.label}: move it to ${label(ordered[from + 1]?.id ?? "")} first.`);
    }
    if (from >= 0 && to >= 0 && to < from && protects(rules.noBackwardsMovementRule, toId)) {
      return refuse("NO_BACKWARDS_MOVEMENT", `Deals can't move backward to ${label(toId)} in ${pipeline.label}.`);
    }
    const gate = rules.approvalStage;
    if (gate !== null && gate.pipelineStageId === toId) {
      const after = { ...deal.properties, ...stringsOnly(values) };
      const needed = conditionHolds(gate.conditionalApprovalFilterBranch, after);
      if (needed && this.approvals.get(deal.id) !== "APPROVED") {
        return refuse("APPROVAL_REQUIRED", `${label(toId)} requires approval. Request approval before moving this deal.`);
      }
    }
    return null;
  }

  record(refusal: NativeRefusal, dealId: string | null, actor: ChangeActor, at: number): void {
    this.refusals.push({ ...refusal, at, dealId, sourceType: actor.sourceType, userId: actor.updatedByUserId ?? null });
    if (this.refusals.length > 1000) this.refusals.splice(0, this.refusals.length - 1000);
  }
}

function mayEdit(store: PortalStore, p: StagePermission, userId: number | undefined): boolean {
  if (userId === undefined) return false;
  if (p.userIds.includes(String(userId))) return true;
  const teams = store.owners.find((o) => o.userId === userId)?.teams.map((t) => t.id) ?? [];
  return teams.some((t) => p.teamIds.includes(t));
}

function conditionHolds(branch: FilterBranch | null, values: Record<string, string>): boolean {
  return branch === null || matchesFilterBranch(branch, values);
}

function stringsOnly(values: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v ?? ""]));
}
