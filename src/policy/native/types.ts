// HubSpot's native pipeline-rule configuration (pipelines-rules 2026-09-beta) as the policy core computes it, and
// what the native compile says about each rule. Pure data shapes.
import type { Enforcement, Mode } from "../types";

export interface StageRule {
  enabledForAllStages: boolean;
  pipelineStageIds: string[];
}

export type PropertyOperation =
  | { operationType: "NUMBER"; operator: NumberOperator; value: number }
  | { operationType: "STRING"; operator: "IS_EQUAL_TO" | "IS_NOT_EQUAL_TO"; value: string }
  | { operationType: "ENUMERATION"; operator: "IS_ANY_OF" | "IS_NONE_OF"; values: string[] }
  | { operationType: "BOOL"; operator: "IS_EQUAL_TO" | "IS_NOT_EQUAL_TO"; value: boolean }
  | { operationType: "ALL_PROPERTY"; operator: "IS_KNOWN" | "IS_UNKNOWN" };

export type NumberOperator =
  | "IS_EQUAL_TO" | "IS_NOT_EQUAL_TO" | "IS_GREATER_THAN" | "IS_GREATER_THAN_OR_EQUAL_TO" | "IS_LESS_THAN" | "IS_LESS_THAN_OR_EQUAL_TO";

export interface PropertyFilter {
  filterType: "PROPERTY";
  property: string;
  operation: PropertyOperation;
}

/** HubSpot's Lists filter language: an OR branch of AND branches (the shape HubSpot's list builder produces). */
export interface FilterBranch {
  filterBranchType: "OR" | "AND";
  filterBranches: FilterBranch[];
  filters: PropertyFilter[];
}

export interface ApprovalStage {
  pipelineStageId: string;
  approvalMode: "ALL" | "ANY";
  approverUserIds: string[];
  approvalComment: string;
  conditionalApprovalFilterBranch: FilterBranch | null;
}

export interface PipelineRules {
  noSkippingStagesRule: StageRule | null;
  noBackwardsMovementRule: StageRule | null;
  objectCreationRule: { pipelineStageIds: string[] } | null;
  approvalStage: ApprovalStage | null;
}

export interface StagePermission {
  pipelineStageId: string;
  permissionMode: "OPEN" | "RESTRICTED";
  userIds: string[];
  teamIds: string[];
  superAdmin: boolean;
}

/** The native configuration of one pipeline. */
export interface NativePipelineConfig {
  pipelineId: string;
  pipelineLabel: string;
  rules: PipelineRules;
  /** One entry per stage of the pipeline, in display order. */
  stagePermissions: StagePermission[];
}

/** What one policy rule becomes: the native pieces it sets, or why it stays with the engine. */
export interface RuleNativeReport {
  policyId: string;
  ruleId: string;
  file: string;
  enforcement: Enforcement;
  mode: Mode;
  /** Plain-language descriptions of what HubSpot enforces for this rule (empty when engine-only). */
  native: string[];
  /** Why (part of) the rule can't be enforced by HubSpot; empty when it compiles fully. */
  blockers: string[];
  /** Compiled into the native configuration (native+engine and no blockers). */
  compiled: boolean;
}

export interface NativePlan {
  pipelines: NativePipelineConfig[];
  rules: RuleNativeReport[];
}
