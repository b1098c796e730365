// Associations v4: GET /crm/v4/objects/deals/{id}/associations/{toType} and POST /crm/v4/associations/deals/{toType}/batch/read.
import { Hono } from "hono";
import type { AssocType } from "../portal/store";
import { DEAL_TO, resolveObjectType } from "./association-types";
import { parseBody } from "./body";
import type { CrmEnv } from "./context";
import { errorBody, notFoundBody } from "./errors";
import { z } from "zod";

function assocTypeOf(name: string): AssocType | undefined {
  const t = resolveObjectType(name);
  return t === "contacts" || t === "companies" || t === "line_items" || t === "tasks" ? t : undefined;
}

function toResult(toType: AssocType, id: string) {
  return { toObjectId: Number(id), associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: DEAL_TO[toType].typeId, label: DEAL_TO[toType].label }] };
}

const BatchSchema = z.object({ inputs: z.array(z.object({ id: z.union([z.string(), z.number()]) })).max(1000) });

export function associationRoutes(): Hono<CrmEnv> {
  const app = new Hono<CrmEnv>();
  app.get("/objects/:fromType/:id/associations/:toType", (c) => {
    const portal = c.get("portal");
    const toType = assocTypeOf(c.req.param("toType"));
    if (resolveObjectType(c.req.param("fromType")) !== "deals" || !toType) {
      return c.json(errorBody("VALIDATION_ERROR", `Unsupported association ${c.req.param("fromType")} → ${c.req.param("toType")}`, c.get("correlationId")), 400);
    }
    const id = c.req.param("id");
    if (!portal.store.get("deals", id)) return c.json(notFoundBody(id, c.get("correlationId")), 404);
    const limit = Math.min(500, Number(c.req.query("limit") ?? 500) || 500);
    const start = Number(c.req.query("after") ?? 0) || 0;
    const ids = portal.store.associatedIds(id, toType).filter((x) => portal.store.get(toType, x));
    const results = ids.slice(start, start + limit).map((x) => toResult(toType, x));
    return c.json({ results, ...(start + limit < ids.length ? { paging: { next: { after: String(start + limit), link: "" } } } : {}) });
  });
  app.post("/associations/:fromType/:toType/batch/read", async (c) => {
    const portal = c.get("portal");
    const toType = assocTypeOf(c.req.param("toType"));
    if (resolveObjectType(c.req.param("fromType")) !== "deals" || !toType) {
      return c.json(errorBody("VALIDATION_ERROR", `Unsupported association ${c.req.param("fromType")} → ${c.req.param("toType")}`, c.get("correlationId")), 400);
    }
    const body = await parseBody(c, BatchSchema);
    if (!body.ok) return body.response;
    const now = new Date().toISOString();
    const results = body.value.inputs
      .map(({ id }) => String(id))
      .filter((id) => portal.store.get("deals", id))
      .map((id) => ({ from: { id }, to: portal.store.associatedIds(id, toType).filter((x) => portal.store.get(toType, x)).map((x) => toResult(toType, x)) }))
      .filter((r) => r.to.length > 0);
    return c.json({ status: "COMPLETE", results, startedAt: now, completedAt: now });
  });
  return app;
}
