// /crm/pipelines-rules/2026-09-beta/{objectTypeId}/{pipelineId}: GET/PUT/PATCH/DELETE the rules, GET/PUT
// stage-edit-permissions, POST approvals/start, GET approvals/{objectId}. Deals only (0-3), as approvals are.
import { Hono, type Context } from "hono";
import { z } from "zod";
import { NO_RULES } from "../portal/native-rules";
import type { PipelineRules, StagePermission } from "../../src/policy/native/types";
import { parseBody } from "./body";
import type { CrmEnv } from "./context";
import { errorBody, notFoundBody } from "./errors";
import type { Pipeline } from "../portal/types";

const StageRule = z.strictObject({ enabledForAllStages: z.boolean(), pipelineStageIds: z.array(z.string()) });
const Filter = z.strictObject({
  filterType: z.literal("PROPERTY"),
  property: z.string(),
  operation: z.discriminatedUnion("operationType", [
    z.strictObject({ operationType: z.literal("NUMBER"), operator: z.enum(["IS_EQUAL_TO", "IS_NOT_EQUAL_TO", "IS_GREATER_THAN", "IS_GREATER_THAN_OR_EQUAL_TO", "IS_LESS_THAN", "IS_LESS_THAN_OR_EQUAL_TO"]), value: z.number() }),
    z.strictObject({ operationType: z.literal("STRING"), operator: z.enum(["IS_EQUAL_TO", "IS_NOT_EQUAL_TO"]), value: z.string() }),
    z.strictObject({ operationType: z.literal("ENUMERATION"), operator: z.enum(["IS_ANY_OF", "IS_NONE_OF"]), values: z.array(z.string()) }),
    z.strictObject({ operationType: z.literal("BOOL"), operator: z.enum(["IS_EQUAL_TO", "IS_NOT_EQUAL_TO"]), value: z.boolean() }),
    z.strictObject({ operationType: z.literal("ALL_PROPERTY"), operator: z.enum(["IS_KNOWN", "IS_UNKNOWN"]) }),
  ]),
});
type Branch = { filterBranchType: "OR" | "AND"; filterBranches: Branch[]; filters: Array<z.infer<typeof Filter>> };
const FilterBranch: z.ZodType<Branch> = z.lazy(() => z.strictObject({ filterBranchType: z.enum(["OR", "AND"]), filterBranches: z.array(FilterBranch), filters: z.array(Filter) }));
const ApprovalStage = z.strictObject({
  pipelineStageId: z.string(),
  approvalMode: z.enum(["ALL", "ANY"]),
  approverUserIds: z.array(z.string()).min(1),
  approvalComment: z.string().default(""),
  conditionalApprovalFilterBranch: FilterBranch.nullable().default(null),
});
const SequenceRules = { noSkippingStagesRule: StageRule.nullish(), noBackwardsMovementRule: StageRule.nullish(), objectCreationRule: z.strictObject({ pipelineStageIds: z.array(z.string()) }).nullish() };
const PutBody = z.strictObject({ governanceValidationRules: z.strictObject(SequenceRules).default({}), approvalStage: ApprovalStage.nullish() });
const PatchBody = z.strictObject({ ...SequenceRules, approvalStage: ApprovalStage.nullish() });
const PermissionsBody = z.strictObject({
  inputs: z.array(z.strictObject({ pipelineStageId: z.string(), permissionMode: z.enum(["OPEN", "RESTRICTED"]), userIds: z.array(z.string()).default([]), teamIds: z.array(z.string()).default([]), superAdmin: z.boolean().default(true) })),
});
const StartBody = z.strictObject({ objectId: z.union([z.string(), z.number()]).transform(String) });

function serialize(rules: PipelineRules) {
  const { approvalStage, ...sequence } = rules;
  return { governanceValidationRules: sequence, approvalStage };
}

export function pipelineRuleRoutes(): Hono<CrmEnv> {
  const app = new Hono<CrmEnv>();
  const base = "/:objectTypeId/:pipelineId";

  app.get(base, (c) => withPipeline(c, (p) => c.json(serialize(c.get("portal").native.rulesOf(p.id)))));

  app.put(base, (c) =>
    withPipeline(c, async (p) => {
      const body = await parseBody(c, PutBody);
      if (!body.ok) return body.response;
      const g = body.value.governanceValidationRules;
      const rules: PipelineRules = { noSkippingStagesRule: g.noSkippingStagesRule ?? null, noBackwardsMovementRule: g.noBackwardsMovementRule ?? null, objectCreationRule: g.objectCreationRule ?? null, approvalStage: body.value.approvalStage ?? null };
      return save(c, p, rules);
    }),
  );

  app.patch(base, (c) =>
    withPipeline(c, async (p) => {
      const body = await parseBody(c, PatchBody);
      if (!body.ok) return body.response;
      const current = c.get("portal").native.rulesOf(p.id);
      const patch = Object.fromEntries(Object.entries(body.value).filter(([, v]) => v !== undefined));
      return save(c, p, { ...current, ...patch });
    }),
  );

  app.delete(base, (c) =>
    withPipeline(c, (p) => {
      c.get("portal").native.rules.delete(p.id);
      return c.body(null, 204);
    }),
  );

  app.get(`${base}/stage-edit-permissions`, (c) => withPipeline(c, (p) => c.json({ results: permissionsOf(c, p) })));

  app.put(`${base}/stage-edit-permissions`, (c) =>
    withPipeline(c, async (p) => {
      const body = await parseBody(c, PermissionsBody);
      if (!body.ok) return body.response;
      const unknown = body.value.inputs.filter((x) => !p.stages.some((s) => s.id === x.pipelineStageId)).map((x) => x.pipelineStageId);
      if (unknown.length > 0) return c.json(errorBody("VALIDATION_ERROR", `Unknown stages for pipeline ${p.id}: ${unknown.join(", ")}`, c.get("correlationId")), 400);
      const byStage = new Map(body.value.inputs.map((x) => [x.pipelineStageId, x]));
      c.get("portal").native.permissions.set(p.id, p.stages.map((s) => byStage.get(s.id) ?? openStage(s.id)));
      return c.json({ results: permissionsOf(c, p) });
    }),
  );

  app.post(`${base}/approvals/start`, (c) =>
    withPipeline(c, async () => {
      const body = await parseBody(c, StartBody);
      if (!body.ok) return body.response;
      const portal = c.get("portal");
      const deal = portal.store.get("deals", body.value.objectId);
      if (!deal) return c.json(notFoundBody(body.value.objectId, c.get("correlationId")), 404);
      const status = portal.native.approvalStatus(deal);
      // Starting an approval that is needed puts it in PENDING until an approver decides (control API).
      if (status === "PENDING" || status === "REJECTED") portal.native.approvals.set(deal.id, "PENDING");
      return c.json({ objectId: deal.id, status: portal.native.approvalStatus(deal) });
    }),
  );

  app.get(`${base}/approvals/:objectId`, (c) =>
    withPipeline(c, () => {
      const portal = c.get("portal");
      const deal = portal.store.get("deals", c.req.param("objectId"));
      if (!deal) return c.json(notFoundBody(c.req.param("objectId"), c.get("correlationId")), 404);
      return c.json({ objectId: deal.id, status: portal.native.approvalStatus(deal) });
    }),
  );

  return app;
}

async function withPipeline(c: Context<CrmEnv>, run: (p: Pipeline) => Response | Promise<Response>): Promise<Response> {
  const type = c.req.param("objectTypeId");
  if (type !== "0-3" && type !== "deals") {
    return c.json(errorBody("VALIDATION_ERROR", `Pipeline rules are only simulated for deals (0-3), not ${type ?? ""}`, c.get("correlationId")), 400);
  }
  const pipeline = c.get("portal").store.pipelines.find((p) => p.id === c.req.param("pipelineId"));
  if (!pipeline) return c.json(errorBody("OBJECT_NOT_FOUND", `Unable to find pipeline ${c.req.param("pipelineId") ?? ""}`, c.get("correlationId")), 404);
  return run(pipeline);
}

function save(c: Context<CrmEnv>, p: Pipeline, rules: PipelineRules): Response {
  const ids = [
    ...(rules.noSkippingStagesRule?.pipelineStageIds ?? []),
    ...(rules.noBackwardsMovementRule?.pipelineStageIds ?? []),
    ...(rules.objectCreationRule?.pipelineStageIds ?? []),
    ...(rules.approvalStage ? [rules.approvalStage.pipelineStageId] : []),
  ];
  const unknown = [...new Set(ids.filter((id) => !p.stages.some((s) => s.id === id)))];
  if (unknown.length > 0) return c.json(errorBody("VALIDATION_ERROR", `Unknown stages for pipeline ${p.id}: ${unknown.join(", ")}`, c.get("correlationId")), 400);
  const native = c.get("portal").native;
  if (JSON.stringify(rules) === JSON.stringify(NO_RULES)) native.rules.delete(p.id);
  else native.rules.set(p.id, rules);
  return c.json(serialize(native.rulesOf(p.id)));
}

function openStage(id: string): StagePermission {
  return { pipelineStageId: id, permissionMode: "OPEN", userIds: [], teamIds: [], superAdmin: true };
}

function permissionsOf(c: Context<CrmEnv>, p: Pipeline): StagePermission[] {
  const stored = c.get("portal").native.permissions.get(p.id) ?? [];
  return p.stages.map((s) => stored.find((x) => x.pipelineStageId === s.id) ?? openStage(s.id));
}
