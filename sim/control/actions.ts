// Control API: act in a portal as a user, an import, a workflow or an integration — each change yields webhooks.
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AssocType } from "../portal/store";
import { ActorSchema, isSuperAdmin, resolveActor } from "./actors";
import type { NativeRefusal } from "../portal/native-rules";
import { controlError, describeDeal, parseControlBody, type ControlEnv } from "./respond";
import type { WriteProblem } from "../portal/types";

const Props = z.record(z.string(), z.union([z.string(), z.number(), z.null()])).default({});
const As = ActorSchema.optional();
const CreateDeal = z.object({ properties: Props, as: As, associations: z.object({ contacts: z.number().int().min(0).max(50).default(0), companies: z.number().int().min(0).max(10).default(0), line_items: z.number().int().min(0).max(50).default(0) }).partial().optional() });
const UpdateDeal = z.object({ properties: Props, as: As });
const MoveStage = z.object({ stageId: z.string().min(1), pipelineId: z.string().optional(), properties: Props, as: As });
const ImportRows = z.object({ rows: z.array(z.object({ id: z.string().optional(), properties: Props })).min(1).max(10_000), importId: z.string().optional() });
const Merge = z.object({ primaryId: z.string(), mergedId: z.string(), as: As });
const ActorOnly = z.object({ as: As });
const Decide = z.object({ decision: z.enum(["APPROVED", "REJECTED"]), userId: z.number().int() });
const Associate = z.object({ toType: z.enum(["contacts", "companies", "line_items"]), toId: z.string().optional(), properties: z.record(z.string(), z.string()).default({}), remove: z.boolean().default(false), as: As });

function strings(p: Record<string, string | number | null>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v === null ? null : String(v)]));
}

function problemText(problems: WriteProblem[]): string {
  return problems.map((p) => `${p.name}: ${p.message}`).join("; ");
}

export function actionRoutes(): Hono<ControlEnv> {
  const app = new Hono<ControlEnv>();

  app.get("/portals/:portalId/deals", (c) => {
    const portal = c.get("portal");
    const archived = c.req.query("archived") === "true";
    return c.json({ deals: portal.store.list("deals", archived).map((d) => describeDeal(portal, d)) });
  });

  app.get("/portals/:portalId/deals/:id", (c) => {
    const portal = c.get("portal");
    const deal = portal.store.get("deals", c.req.param("id"), true);
    if (!deal) return controlError(c, 404, "DEAL_NOT_FOUND", `no deal ${c.req.param("id")}`);
    return c.json(describeDeal(portal, deal));
  });

  app.get("/portals/:portalId/tasks", (c) => {
    const portal = c.get("portal");
    const dealId = c.req.query("dealId");
    const ids = dealId ? new Set(portal.store.associatedIds(dealId, "tasks")) : null;
    const tasks = portal.store.list("tasks").filter((t) => !ids || ids.has(t.id)).map((t) => ({ id: t.id, properties: { ...t.properties }, dealIds: portal.store.list("deals", true).filter((d) => portal.store.associatedIds(d.id, "tasks").includes(t.id)).map((d) => d.id) }));
    return c.json({ tasks });
  });

  app.post("/portals/:portalId/deals", async (c) => {
    const body = await parseControlBody(c, CreateDeal);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    const actor = resolveActor(portal, body.value.as);
    const refusal = portal.native.check(portal.store, undefined, strings(body.value.properties), actor, isSuperAdmin(body.value.as));
    if (refusal !== null) return refused(c, refusal, null, actor);
    const created = portal.store.create("deals", strings(body.value.properties), actor);
    if (!created.ok) return controlError(c, 400, "VALIDATION_ERROR", problemText(created.error));
    const counts = body.value.associations ?? {};
    for (const type of ["contacts", "companies", "line_items"] as const) {
      for (let i = 0; i < (counts[type] ?? 0); i++) {
        const other = portal.store.create(type, type === "contacts" ? { firstname: `Contact ${i + 1}` } : { name: `${type} ${i + 1}` }, actor, { emit: false });
        if (other.ok) portal.store.associate(created.value.id, type, other.value.id, actor);
      }
    }
    return c.json(describeDeal(portal, created.value), 201);
  });

  app.patch("/portals/:portalId/deals/:id", async (c) => {
    const body = await parseControlBody(c, UpdateDeal);
    if (!body.ok) return body.response;
    return updateDeal(c, c.req.param("id"), strings(body.value.properties), body.value.as);
  });

  app.post("/portals/:portalId/deals/:id/stage", async (c) => {
    const body = await parseControlBody(c, MoveStage);
    if (!body.ok) return body.response;
    const props = { ...strings(body.value.properties), dealstage: body.value.stageId, ...(body.value.pipelineId ? { pipeline: body.value.pipelineId } : {}) };
    return updateDeal(c, c.req.param("id"), props, body.value.as);
  });

  app.post("/portals/:portalId/import", async (c) => {
    const body = await parseControlBody(c, ImportRows);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    const actor = resolveActor(portal, { kind: "import", importId: body.value.importId ?? `import-${Date.now()}` });
    const results = body.value.rows.map((row) => {
      const r = row.id ? portal.store.update("deals", row.id, strings(row.properties), actor) : portal.store.create("deals", strings(row.properties), actor);
      if (!r.ok) return { ok: false, id: row.id ?? null, error: problemText(r.error) };
      return { ok: true, id: "obj" in r.value ? r.value.obj.id : r.value.id };
    });
    return c.json({ results });
  });

  app.post("/portals/:portalId/merge", async (c) => {
    const body = await parseControlBody(c, Merge);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    const merged = portal.store.merge(body.value.primaryId, body.value.mergedId, resolveActor(portal, body.value.as, portal.store.get("deals", body.value.primaryId)));
    if (!merged.ok) return controlError(c, 400, "MERGE_FAILED", problemText(merged.error));
    return c.json(describeDeal(portal, merged.value));
  });

  app.post("/portals/:portalId/deals/:id/delete", async (c) => {
    const body = await parseControlBody(c, ActorOnly);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    const id = c.req.param("id");
    if (!portal.store.archive("deals", id, resolveActor(portal, body.value.as, portal.store.get("deals", id)))) return controlError(c, 404, "DEAL_NOT_FOUND", `no live deal ${id}`);
    return c.json({ ok: true });
  });

  app.post("/portals/:portalId/deals/:id/restore", async (c) => {
    const body = await parseControlBody(c, ActorOnly);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    const id = c.req.param("id");
    if (!portal.store.restore("deals", id, resolveActor(portal, body.value.as, portal.store.get("deals", id, true)))) return controlError(c, 404, "DEAL_NOT_FOUND", `no archived deal ${id}`);
    return c.json({ ok: true });
  });

  app.post("/portals/:portalId/deals/:id/associations", async (c) => {
    const body = await parseControlBody(c, Associate);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    const id = c.req.param("id");
    const toType: AssocType = body.value.toType;
    let toId = body.value.toId;
    const actor = resolveActor(portal, body.value.as, portal.store.get("deals", id));
    if (toId === undefined) {
      const created = portal.store.create(toType, body.value.properties, actor, { emit: false });
      if (!created.ok) return controlError(c, 400, "VALIDATION_ERROR", problemText(created.error));
      toId = created.value.id;
    }
    if (!portal.store.associate(id, toType, toId, actor, body.value.remove)) return controlError(c, 404, "NOT_FOUND", `deal ${id} or ${toType} ${toId} not found`);
    return c.json({ ok: true, toId });
  });

  // An approver decides on a deal's pending approval (what an approver does in HubSpot's UI).
  app.post("/portals/:portalId/deals/:id/approval", async (c) => {
    const body = await parseControlBody(c, Decide);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    const deal = portal.store.get("deals", c.req.param("id"));
    if (!deal) return controlError(c, 404, "DEAL_NOT_FOUND", `no deal ${c.req.param("id")}`);
    const gate = portal.native.rulesOf(deal.properties.pipeline ?? "default").approvalStage;
    if (gate === null) return controlError(c, 409, "NO_APPROVAL_GATE", "the deal's pipeline has no approval stage");
    if (!gate.approverUserIds.includes(String(body.value.userId))) return controlError(c, 409, "NOT_AN_APPROVER", `user ${body.value.userId} is not an approver`);
    portal.native.approvals.set(deal.id, body.value.decision);
    return c.json({ objectId: deal.id, status: portal.native.approvalStatus(deal) });
  });

  app.get("/portals/:portalId/native/refusals", (c) => c.json({ refusals: c.get("portal").native.refusals }));

  return app;
}

/**
 * HubSpot refused the write before saving it: nothing changes, no webhook is sent. The answer carries the error
 * body HubSpot's API gives a user-attributed write (see docs/simulator.md, "Native pipeline rules").
 */
function refused(c: Context<ControlEnv>, refusal: NativeRefusal, dealId: string | null, actor: ReturnType<typeof resolveActor>): Response {
  const portal = c.get("portal");
  portal.native.record(refusal, dealId, actor, portal.now());
  const correlationId = portal.correlationId();
  const hubspot = {
    status: "error",
    message: refusal.message,
    correlationId,
    category: "VALIDATION_ERROR",
    subCategory: `PipelineRulesError.${refusal.code}`,
    errors: [{ message: refusal.message, code: refusal.code, context: { pipelineId: [refusal.pipelineId], pipelineStageId: [refusal.stageId] } }],
  };
  return c.json({ error: { code: "NATIVE_RULE_REFUSED", message: `${refusal.code}: ${refusal.message}` }, hubspot }, 400);
}

async function updateDeal(c: Context<ControlEnv>, id: string, props: Record<string, string | null>, as: z.infer<typeof As>): Promise<Response> {
  const portal = c.get("portal");
  const existing = portal.store.get("deals", id);
  const actor = resolveActor(portal, as, existing);
  const refusal = portal.native.check(portal.store, existing, props, actor, isSuperAdmin(as));
  if (refusal !== null) return refused(c, refusal, id, actor);
  const result = portal.store.update("deals", id, props, actor);
  if (!result.ok) {
    if (result.error.some((p) => p.code === "NOT_FOUND")) return controlError(c, 404, "DEAL_NOT_FOUND", `no deal ${id}`);
    return controlError(c, 400, "VALIDATION_ERROR", problemText(result.error));
  }
  return c.json({ changed: result.value.changed, deal: describeDeal(portal, result.value.obj) });
}
