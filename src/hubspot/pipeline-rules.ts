// HubSpot's Pipeline Rules API (2026-09-beta): pipeline rules, stage edit permissions, approvals. fetch only (the SDK
// has no module for it), so the Worker and the Node CLI share it. Answers are zod-parsed; failures are HubSpotError
// values, never thrown. Shapes the reference leaves open are read leniently here (see docs/native.md).
import { z } from "zod";
import type { ApprovalStatus } from "../policy";
import type { CurrentNative, PipelineRules, StagePermission } from "../policy/native";
import type { HubSpotError, Result } from "./errors";

export const DEALS_OBJECT_TYPE = "0-3";
const API = "/crm/pipelines-rules/2026-09-beta";

export interface PipelineRulesClient {
  baseUrl: string;
  accessToken: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Observes every call (the engine counts them against its rate budget). */
  onCall?: (call: { method: string; url: string; status: number; headers: Record<string, string>; ms: number }) => void;
}

const StageRuleSchema = z.object({ enabledForAllStages: z.boolean().default(false), pipelineStageIds: z.array(z.coerce.string()).default([]) });
const FilterBranchSchema: z.ZodType<unknown> = z.lazy(() =>
  z.object({ filterBranchType: z.string(), filterBranches: z.array(FilterBranchSchema).default([]), filters: z.array(z.unknown()).default([]) }).loose(),
);
const ApprovalStageSchema = z.object({
  pipelineStageId: z.coerce.string(),
  approvalMode: z.enum(["ALL", "ANY"]).default("ANY"),
  approverUserIds: z.array(z.coerce.string()).default([]),
  approvalComment: z.string().nullish().transform((c) => c ?? ""),
  conditionalApprovalFilterBranch: FilterBranchSchema.nullish().transform((b) => b ?? null),
});
const RulesBodySchema = z.object({
  noSkippingStagesRule: StageRuleSchema.nullish(),
  noBackwardsMovementRule: StageRuleSchema.nullish(),
  objectCreationRule: z.object({ pipelineStageIds: z.array(z.coerce.string()).default([]) }).nullish(),
});
/** The PUT example wraps the sequence rules in `governanceValidationRules`; PATCH sends them flat. Accept both. */
const RulesAnswerSchema = RulesBodySchema.extend({
  governanceValidationRules: RulesBodySchema.nullish(),
  approvalStage: ApprovalStageSchema.nullish(),
});
const StagePermissionSchema = z.object({
  pipelineStageId: z.coerce.string(),
  permissionMode: z.enum(["OPEN", "RESTRICTED"]),
  userIds: z.array(z.coerce.string()).default([]),
  teamIds: z.array(z.coerce.string()).default([]),
  superAdmin: z.boolean().default(true),
});
const PermissionsAnswerSchema = z.union([z.object({ results: z.array(StagePermissionSchema) }), z.array(StagePermissionSchema).transform((results) => ({ results }))]);
const ApprovalAnswerSchema = z.object({ status: z.enum(["APPROVED", "PENDING", "REJECTED", "NO_APPROVAL_NEEDED", "NOT_APPLICABLE"]) });

const url = (c: PipelineRulesClient, pipelineId: string, rest = "") =>
  `${c.baseUrl.replace(/\/+$/, "")}${API}/${DEALS_OBJECT_TYPE}/${encodeURIComponent(pipelineId)}${rest}`;

/** GET the pipeline's rules; a pipeline without rules comes back with every rule null. */
export async function getPipelineRules(c: PipelineRulesClient, pipelineId: string): Promise<Result<PipelineRules, HubSpotError>> {
  const answer = await send(c, "GET", url(c, pipelineId), undefined, RulesAnswerSchema);
  return answer.ok ? { ok: true, value: toRules(answer.value) } : answer;
}

/** PUT (replace) the pipeline's rules with exactly `rules`. */
export async function putPipelineRules(c: PipelineRulesClient, pipelineId: string, rules: PipelineRules): Promise<Result<PipelineRules, HubSpotError>> {
  const body = {
    governanceValidationRules: {
      ...(rules.noSkippingStagesRule ? { noSkippingStagesRule: rules.noSkippingStagesRule } : {}),
      ...(rules.noBackwardsMovementRule ? { noBackwardsMovementRule: rules.noBackwardsMovementRule } : {}),
      ...(rules.objectCreationRule ? { objectCreationRule: rules.objectCreationRule } : {}),
    },
    ...(rules.approvalStage ? { approvalStage: rules.approvalStage } : {}),
  };
  const answer = await send(c, "PUT", url(c, pipelineId), body, RulesAnswerSchema);
  return answer.ok ? { ok: true, value: toRules(answer.value) } : answer;
}

/** PATCH: only the rules given change. */
export async function patchPipelineRules(c: PipelineRulesClient, pipelineId: string, patch: Partial<PipelineRules>): Promise<Result<PipelineRules, HubSpotError>> {
  const answer = await send(c, "PATCH", url(c, pipelineId), patch, RulesAnswerSchema);
  return answer.ok ? { ok: true, value: toRules(answer.value) } : answer;
}

/** DELETE every rule of the pipeline (204). */
export async function deletePipelineRules(c: PipelineRulesClient, pipelineId: string): Promise<Result<null, HubSpotError>> {
  return send(c, "DELETE", url(c, pipelineId), undefined, null);
}

export async function getStageEditPermissions(c: PipelineRulesClient, pipelineId: string): Promise<Result<StagePermission[], HubSpotError>> {
  const answer = await send(c, "GET", url(c, pipelineId, "/stage-edit-permissions"), undefined, PermissionsAnswerSchema);
  return answer.ok ? { ok: true, value: answer.value.results } : answer;
}

export async function putStageEditPermissions(c: PipelineRulesClient, pipelineId: string, permissions: StagePermission[]): Promise<Result<StagePermission[], HubSpotError>> {
  const answer = await send(c, "PUT", url(c, pipelineId, "/stage-edit-permissions"), { inputs: permissions }, PermissionsAnswerSchema);
  return answer.ok ? { ok: true, value: answer.value.results } : answer;
}

/** POST …/approvals/start: asks for the deal's approval; answers the status it starts in. */
export async function startApproval(c: PipelineRulesClient, pipelineId: string, objectId: string): Promise<Result<ApprovalStatus, HubSpotError>> {
  const answer = await send(c, "POST", url(c, pipelineId, "/approvals/start"), { objectId }, ApprovalAnswerSchema);
  return answer.ok ? { ok: true, value: answer.value.status } : answer;
}

/** GET …/approvals/{objectId}. */
export async function getApprovalStatus(c: PipelineRulesClient, pipelineId: string, objectId: string): Promise<Result<ApprovalStatus, HubSpotError>> {
  const answer = await send(c, "GET", url(c, pipelineId, `/approvals/${encodeURIComponent(objectId)}`), undefined, ApprovalAnswerSchema);
  return answer.ok ? { ok: true, value: answer.value.status } : answer;
}

/** The native configuration (rules + stage edit permissions) of each pipeline, read one pipeline after another. */
export async function readNativeConfig(c: PipelineRulesClient, pipelineIds: readonly string[]): Promise<Result<CurrentNative[], HubSpotError>> {
  const out: CurrentNative[] = [];
  for (const pipelineId of pipelineIds) {
    const rules = await getPipelineRules(c, pipelineId);
    if (!rules.ok) return rules;
    const permissions = await getStageEditPermissions(c, pipelineId);
    if (!permissions.ok) return permissions;
    out.push({ pipelineId, rules: rules.value, stagePermissions: permissions.value });
  }
  return { ok: true, value: out };
}

function toRules(a: z.infer<typeof RulesAnswerSchema>): PipelineRules {
  const inner = a.governanceValidationRules ?? {};
  const skip = inner.noSkippingStagesRule ?? a.noSkippingStagesRule ?? null;
  const back = inner.noBackwardsMovementRule ?? a.noBackwardsMovementRule ?? null;
  const created = inner.objectCreationRule ?? a.objectCreationRule ?? null;
  return {
    noSkippingStagesRule: skip,
    noBackwardsMovementRule: back,
    objectCreationRule: created,
    // The filter branch is passed through as HubSpot wrote it; the diff compares it structurally.
    approvalStage: (a.approvalStage ?? null) as PipelineRules["approvalStage"],
  };
}

async function send<T>(c: PipelineRulesClient, method: string, target: string, body: unknown, schema: z.ZodType<T> | null): Promise<Result<T, HubSpotError>> {
  let response: Response;
  const started = Date.now();
  const observe = (status: number, headers: Record<string, string>) => c.onCall?.({ method, url: target, status, headers, ms: Date.now() - started });
  try {
    response = await (c.fetch ?? fetch)(target, {
      method,
      headers: { authorization: `Bearer ${c.accessToken}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(c.timeoutMs ?? 10_000),
    });
  } catch (err) {
    observe(0, {});
    return { ok: false, error: { kind: "unavailable", status: 0, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) } };
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
  observe(response.status, headers);
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text === "" ? null : JSON.parse(text);
  } catch (err) {
    json = { message: `unparsable answer: ${text.slice(0, 200)} (${String(err)})` };
  }
  if (!response.ok) return { ok: false, error: toError(response.status, json, headers) };
  if (schema === null) return { ok: true, value: null as T };
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, error: { kind: "unexpected", status: response.status, message: `unexpected answer from ${method} ${new URL(target).pathname}: ${parsed.error.issues[0]?.message ?? ""}` } };
  }
  return { ok: true, value: parsed.data };
}

function toError(status: number, body: unknown, headers: Record<string, string>): HubSpotError {
  const b = (typeof body === "object" && body !== null ? body : {}) as { message?: unknown; category?: unknown; policyName?: unknown };
  const message = typeof b.message === "string" ? b.message : `HTTP ${status}`;
  if (status === 429) {
    const policy = b.policyName === "DAILY" || b.policyName === "SECONDLY" || b.policyName === "TEN_SECONDLY_ROLLING" ? b.policyName : "UNKNOWN";
    return { kind: "rate-limited", policy, status: 429, message, headers };
  }
  if (status === 404) return { kind: "not-found", status: 404, message };
  if (status === 400) return { kind: "validation", status: 400, category: typeof b.category === "string" ? b.category : "VALIDATION_ERROR", message };
  if (status === 401 || status === 403) return { kind: "unauthorized", status, message };
  if (status >= 500) return { kind: "unavailable", status, message };
  return { kind: "unexpected", status, message };
}

/** The same JSON call for the other fetch-only endpoints (account info): one error mapping for all of them. */
export { send as sendHubSpotJson };
