// /crm/v3/objects/{type}: get, list, batch read, create, batch create, update, batch update, archive, search.
import { Hono } from "hono";
import type { Context } from "hono";
import type { Portal } from "../portal/portal";
import { DEFAULT_READ } from "../portal/properties";
import type { AssocType } from "../portal/store";
import type { ChangeActor, CrmObject, ObjectType, WriteProblem } from "../portal/types";
import { CREATE_TYPES, DEAL_TO_NAME, resolveObjectType } from "./association-types";
import { parseBody } from "./body";
import type { CrmEnv } from "./context";
import { batchLimitProblem } from "./batch-limits";
import { errorBody, notFoundBody, validationBody } from "./errors";
import { runSearch, SEARCH_RESULT_CAP, SearchSchema, unknownSearchProperties } from "./search";
import { serializeObject, splitList } from "./serialize";
import { BatchCreateSchema, BatchReadSchema, BatchUpdateSchema, CreateSchema, toStringProperties, UpdateSchema, type AssociationInput } from "./write-input";

/** The engine's own writes: HubSpot records them as INTEGRATION with the app id as sourceId. */
export function integrationActor(portal: Portal): ChangeActor {
  return { sourceType: "INTEGRATION", sourceId: String(portal.identity.appId), sourceLabel: "Private app" };
}

function knownFor(portal: Portal, type: ObjectType) {
  const defs = portal.store.defs.get(type);
  return (name: string) => defs?.has(name) === true;
}

export function objectRoutes(): Hono<CrmEnv> {
  const app = new Hono<CrmEnv>();

  app.use("*", async function resolveType(c, next) {
    const name = /\/objects\/([^/]+)/.exec(c.req.path)?.[1] ?? "";
    if (!resolveObjectType(name)) return c.json(errorBody("OBJECT_NOT_FOUND", `Unable to infer object type from: ${name}`, c.get("correlationId")), 400);
    await next();
  });

  app.post("/:type/batch/read", async (c) => {
    const type = typeOf(c);
    const body = await parseBody(c, BatchReadSchema);
    if (!body.ok) return body.response;
    const over = batchLimitProblem(body.value.inputs.length, (body.value.propertiesWithHistory ?? []).length > 0, c.get("correlationId"));
    if (over) return c.json(over, 400);
    const portal = c.get("portal");
    const results = [];
    const missing: string[] = [];
    const archived = c.req.query("archived") === "true";
    const answered = new Set<string>();
    for (const { id } of body.value.inputs) {
      // archived=true reads archived objects only (deleted, or merged away: the merged deal's own record); otherwise a
      // merged-away id answers with the deal it was merged into (HubSpot community thread 1101616).
      const own = portal.store.get(type, String(id), true);
      const obj = archived ? (own?.archived ? own : undefined) : portal.store.resolve(type, String(id));
      if (!obj) missing.push(String(id));
      else if (!answered.has(obj.id)) {
        answered.add(obj.id);
        results.push(serializeObject(obj, body.value, knownFor(portal, type)));
      }
    }
    return batchAnswer(c, results, missing.length === 0 ? [] : [notFoundError(missing)], 200);
  });

  app.post("/:type/batch/create", async (c) => {
    const type = typeOf(c);
    const body = await parseBody(c, BatchCreateSchema);
    if (!body.ok) return body.response;
    const over = batchLimitProblem(body.value.inputs.length, false, c.get("correlationId"));
    if (over) return c.json(over, 400);
    const portal = c.get("portal");
    // HubSpot validates the whole batch first: one invalid input fails all.
    for (const input of body.value.inputs) {
      const problem = checkAssociations(portal, type, input.associations ?? []);
      if (problem) return c.json(validationBody([problem], c.get("correlationId")), 400);
    }
    const created: Array<{ obj: CrmObject; names: string[] }> = [];
    const errors: BatchError[] = [];
    const failing = new Set(c.get("failInputs") ?? []);
    for (const [k, input] of body.value.inputs.entries()) {
      if (failing.has(k)) {
        errors.push(injectedError(k));
        continue;
      }
      const result = createOne(portal, type, toStringProperties(input.properties), input.associations ?? []);
      if (!result.ok) return c.json(validationBody(result.error, c.get("correlationId")), 400);
      created.push({ obj: result.value, names: Object.keys(input.properties) });
    }
    // As for a single create, the answer carries the properties that were written (how results are matched to inputs).
    const results = created.map(({ obj, names }) => serializeObject(obj, { properties: [...new Set([...names, ...DEFAULT_READ[type]])] }, knownFor(portal, type)));
    return batchAnswer(c, results, errors, 201);
  });

  app.post("/:type/batch/update", async (c) => {
    const type = typeOf(c);
    const body = await parseBody(c, BatchUpdateSchema);
    if (!body.ok) return body.response;
    const over = batchLimitProblem(body.value.inputs.length, false, c.get("correlationId"));
    if (over) return c.json(over, 400);
    const portal = c.get("portal");
    const results = [];
    const errors: BatchError[] = [];
    const failing = new Set(c.get("failInputs") ?? []);
    for (const [k, input] of body.value.inputs.entries()) {
      const id = String(input.id);
      if (failing.has(k)) {
        errors.push({ ...injectedError(k), context: { ids: [id] } });
        continue;
      }
      const result = portal.store.update(type, id, toStringProperties(input.properties), integrationActor(portal), { checkRequired: true });
      // A deal deleted or merged away since the caller read it fails alone: 207 with its id in `errors`.
      if (!result.ok && result.error.some((p) => p.code === "NOT_FOUND")) errors.push(notFoundError([id]));
      else if (!result.ok) return writeFailure(c, id, result.error);
      else results.push(serializeObject(result.value.obj, { properties: Object.keys(input.properties) }, knownFor(portal, type)));
    }
    return batchAnswer(c, results, errors, 200);
  });

  app.post("/:type/search", async (c) => {
    const type = typeOf(c);
    const body = await parseBody(c, SearchSchema);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    const defs = portal.store.defs.get(type) ?? new Map();
    const unknown = unknownSearchProperties(body.value, defs);
    if (unknown.length > 0) {
      return c.json(errorBody("VALIDATION_ERROR", `There was a problem with the request. Unknown properties: ${unknown.join(", ")}`, c.get("correlationId")), 400);
    }
    if ((Number(body.value.after ?? 0) || 0) + body.value.limit > SEARCH_RESULT_CAP) {
      return c.json(errorBody("VALIDATION_ERROR", `Search can page through at most ${SEARCH_RESULT_CAP} results`, c.get("correlationId")), 400);
    }
    const { total, page, nextAfter } = runSearch(portal.store.list(type), body.value, defs);
    const results = page.map((o) => serializeObject(o, { properties: body.value.properties ?? [] }, knownFor(portal, type)));
    return c.json({ total, results, ...(nextAfter !== null ? { paging: { next: { after: nextAfter, link: "" } } } : {}) });
  });

  app.get("/:type/:id", (c) => {
    const type = typeOf(c);
    const portal = c.get("portal");
    const id = c.req.param("id");
    const archived = c.req.query("archived") === "true";
    const obj = archived ? portal.store.get(type, id, true) : portal.store.resolve(type, id);
    if (!obj || (archived && !obj.archived)) return c.json(notFoundBody(id, c.get("correlationId")), 404);
    const out = serializeObject(obj, { properties: splitList(c.req.queries("properties")), propertiesWithHistory: splitList(c.req.queries("propertiesWithHistory")) }, knownFor(portal, type));
    const assoc = splitList(c.req.queries("associations"));
    if (type === "deals" && assoc) return c.json({ ...out, associations: dealAssociations(portal, id, assoc) });
    return c.json(out);
  });

  app.get("/:type", (c) => {
    const type = typeOf(c);
    const portal = c.get("portal");
    const limit = Math.min(100, Number(c.req.query("limit") ?? 10) || 10);
    const start = Number(c.req.query("after") ?? 0) || 0;
    const all = portal.store.list(type, c.req.query("archived") === "true").filter((o) => o.archived === (c.req.query("archived") === "true"));
    const page = all.slice(start, start + limit).map((o) => serializeObject(o, { properties: splitList(c.req.queries("properties")) }, knownFor(portal, type)));
    return c.json({ results: page, ...(start + limit < all.length ? { paging: { next: { after: String(start + limit), link: "" } } } : {}) });
  });

  app.post("/:type", async (c) => {
    const type = typeOf(c);
    const body = await parseBody(c, CreateSchema);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    const problem = checkAssociations(portal, type, body.value.associations ?? []);
    if (problem) return c.json(validationBody([problem], c.get("correlationId")), 400);
    const result = createOne(portal, type, toStringProperties(body.value.properties), body.value.associations ?? []);
    if (!result.ok) return c.json(validationBody(result.error, c.get("correlationId")), 400);
    return c.json(serializeObject(result.value, { properties: Object.keys(body.value.properties) }, knownFor(portal, type)), 201);
  });

  app.patch("/:type/:id", async (c) => {
    const type = typeOf(c);
    const body = await parseBody(c, UpdateSchema);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    const id = c.req.param("id");
    const result = portal.store.update(type, id, toStringProperties(body.value.properties), integrationActor(portal), { checkRequired: true });
    if (!result.ok) return writeFailure(c, id, result.error);
    return c.json(serializeObject(result.value.obj, { properties: Object.keys(body.value.properties) }, knownFor(portal, type)));
  });

  app.delete("/:type/:id", (c) => {
    const type = typeOf(c);
    const portal = c.get("portal");
    // HubSpot answers 204 even when the object is already gone.
    portal.store.archive(type, c.req.param("id"), integrationActor(portal));
    return c.body(null, 204);
  });

  return app;
}

function typeOf(c: Context<CrmEnv>): ObjectType {
  return resolveObjectType(c.req.param("type") ?? "") ?? "deals";
}

function writeFailure(c: Context<CrmEnv>, id: string, problems: WriteProblem[]): Response {
  if (problems.some((p) => p.code === "NOT_FOUND")) return c.json(notFoundBody(id, c.get("correlationId")), 404);
  return c.json(validationBody(problems, c.get("correlationId")), 400);
}

interface BatchError {
  status: "error";
  category: string;
  message: string;
  context?: { ids: string[] };
}

function notFoundError(ids: string[]): BatchError {
  return { status: "error", category: "OBJECT_NOT_FOUND", message: "Could not get some objects, they may be deleted or not exist. Check that ids are valid.", context: { ids } };
}

function injectedError(index: number): BatchError {
  return { status: "error", category: "VALIDATION_ERROR", message: `Input ${index} was refused (simulated partial failure)` };
}

/** HubSpot's batch answer: all applied → `okStatus`; some failed → 207 Multi-Status with `results` and `errors`. */
function batchAnswer(c: Context<CrmEnv>, results: unknown[], errors: BatchError[], okStatus: 200 | 201): Response {
  const now = new Date().toISOString();
  const base = { status: "COMPLETE", results, startedAt: now, completedAt: now };
  if (errors.length === 0) return c.json(base, okStatus);
  return c.json({ ...base, numErrors: errors.length, errors }, 207);
}

function checkAssociations(portal: Portal, type: ObjectType, inputs: AssociationInput[]): WriteProblem | null {
  for (const a of inputs) {
    for (const t of a.types) {
      const target = CREATE_TYPES[type]?.[t.associationTypeId];
      if (!target || t.associationCategory !== "HUBSPOT_DEFINED") return { code: "INVALID_VALUE", name: "associations", message: `associationTypeId ${t.associationTypeId} is not valid for ${type}` };
      if (!portal.store.get(target, String(a.to.id))) return { code: "INVALID_VALUE", name: "associations", message: `One or more associations are invalid: ${target} ${a.to.id} does not exist` };
    }
  }
  return null;
}

function createOne(portal: Portal, type: ObjectType, props: Record<string, string | null>, associations: AssociationInput[]) {
  const actor = integrationActor(portal);
  if (type === "tasks" && (props.hs_timestamp ?? "") === "") {
    return { ok: false as const, error: [{ code: "REQUIRED_PROPERTY" as const, name: "hs_timestamp", message: "Property \"hs_timestamp\" is required" }] };
  }
  if (type === "tasks" && props.hs_task_status === undefined) props.hs_task_status = "NOT_STARTED";
  const result = portal.store.create(type, props, actor, { checkRequired: true });
  if (!result.ok) return result;
  for (const a of associations) {
    for (const t of a.types) {
      const target = CREATE_TYPES[type]?.[t.associationTypeId];
      if (target === "deals") portal.store.associate(String(a.to.id), type as AssocType, result.value.id, actor);
      else if (target && type === "deals") portal.store.associate(result.value.id, target, String(a.to.id), actor);
    }
  }
  return result;
}

function dealAssociations(portal: Portal, dealId: string, names: string[]) {
  const out: Record<string, { results: Array<{ id: string; type: string }> }> = {};
  for (const name of names) {
    const type = resolveObjectType(name);
    if (type === "contacts" || type === "companies" || type === "line_items" || type === "tasks") {
      out[type] = { results: portal.store.associatedIds(dealId, type).map((id) => ({ id, type: DEAL_TO_NAME[type] })) };
    }
  }
  return out;
}
