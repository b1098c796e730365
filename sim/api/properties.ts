// /crm/v3/properties/{objectType}: the property definitions the portal validates writes against, in HubSpot's shape
// (options of dealstage/pipeline/hubspot_team_id come from the portal's live data), and custom properties and
// property groups created through the API (POST; 409 CONFLICT on an existing name; 403 MISSING_SCOPES without
// crm.schemas.<object>.write).
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Portal } from "../portal/portal";
import { customPropertyDef, defaultGroupName } from "../portal/property-groups";
import type { ObjectType, PropertyDef, PropertyType } from "../portal/types";
import { parseBody } from "./body";
import type { CrmEnv } from "./context";
import { errorBody } from "./errors";

const EPOCH = "2024-01-15T09:00:00.000Z";

/** Object type names and ids HubSpot accepts in the path. */
const OBJECT_TYPE_ALIASES: Record<string, ObjectType> = {
  deals: "deals", deal: "deals", "0-3": "deals",
  tasks: "tasks", task: "tasks", "0-27": "tasks",
  contacts: "contacts", contact: "contacts", "0-1": "contacts",
  companies: "companies", company: "companies", "0-2": "companies",
  line_items: "line_items", line_item: "line_items", "0-8": "line_items",
};

const FIELD_TYPE: Record<PropertyType, string> = { string: "text", number: "number", date: "date", datetime: "date", enumeration: "select", bool: "booleancheckbox" };

/** Set by HubSpot when the record is written, not computed from other values. */
const STAMPED = new Set(["hs_object_id", "createdate", "hs_lastmodifieddate"]);

interface PropertyOption { label: string; value: string; displayOrder: number; hidden: boolean; description?: string }

function optionsOf(portal: Portal, type: ObjectType, def: PropertyDef): PropertyOption[] {
  if (def.type === "bool") return [{ label: "Yes", value: "true", displayOrder: 0, hidden: false }, { label: "No", value: "false", displayOrder: 1, hidden: false }];
  if (type === "deals" && def.name === "pipeline") return portal.store.pipelines.map((p) => ({ label: p.label, value: p.id, displayOrder: p.displayOrder, hidden: false }));
  if (type === "deals" && def.name === "dealstage") {
    // One list over every pipeline, as HubSpot returns it; the description names the stage's pipeline.
    return portal.store.pipelines.flatMap((p) => p.stages.map((s) => ({ label: s.label, value: s.id, displayOrder: s.displayOrder, hidden: false, description: p.label })));
  }
  if (def.name === "hubspot_team_id") return portal.store.teams.map((t, i) => ({ label: t.name, value: t.id, displayOrder: i, hidden: false }));
  if (def.optionDetails !== undefined) return def.optionDetails.map((o) => ({ ...o }));
  return (def.options ?? []).map((value, i) => ({ label: value, value, displayOrder: i, hidden: false }));
}

/** One property definition as GET /crm/v3/properties answers it. */
export function serializeProperty(portal: Portal, type: ObjectType, def: PropertyDef, index: number) {
  const owner = def.name === "hubspot_owner_id";
  return {
    name: def.name,
    label: def.label,
    type: def.type,
    fieldType: def.fieldType ?? FIELD_TYPE[def.type],
    description: def.description ?? "",
    groupName: def.groupName ?? defaultGroupName(type),
    options: owner ? [] : optionsOf(portal, type, def),
    createdAt: def.createdAt === undefined ? EPOCH : new Date(def.createdAt).toISOString(),
    updatedAt: def.createdAt === undefined ? EPOCH : new Date(def.createdAt).toISOString(),
    archived: false,
    displayOrder: def.custom ? index : -1,
    hidden: false,
    calculated: def.readOnly === true && !STAMPED.has(def.name),
    externalOptions: owner,
    ...(owner ? { referencedObjectType: "OWNER" } : {}),
    hasUniqueValue: false,
    formField: def.readOnly !== true,
    ...(def.custom ? {} : { hubspotDefined: true }),
    modificationMetadata: { archivable: def.custom === true, readOnlyDefinition: def.custom !== true, readOnlyValue: def.readOnly === true },
  };
}

const OptionSchema = z.object({ label: z.string().min(1), value: z.string().min(1), description: z.string().optional(), displayOrder: z.number().int().optional(), hidden: z.boolean().optional() });
const PropertyCreateSchema = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  type: z.enum(["string", "number", "date", "datetime", "enumeration", "bool"]),
  fieldType: z.string().min(1),
  groupName: z.string().min(1),
  description: z.string().optional(),
  options: z.array(OptionSchema).optional(),
  displayOrder: z.number().int().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
});
const GroupCreateSchema = z.object({ name: z.string().regex(/^[a-z][a-z0-9_]*$/, "lowercase letters, digits and underscores"), label: z.string().min(1), displayOrder: z.number().int().optional() });

/** 403 when the token lacks the object's schema write scope (a portal knob). */
function missingScope(c: Context<CrmEnv>, type: ObjectType): Response | null {
  const scope = `crm.schemas.${type}.write`;
  if (!c.get("portal").missingScopes.includes(scope)) return null;
  return c.json(
    errorBody("MISSING_SCOPES", "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.", c.get("correlationId"), {
      errors: [{ message: `One or more of the following scopes are required.`, context: { requiredGrantedScopes: [scope] } }],
    }),
    403,
  );
}

function typeOrError(c: Context<CrmEnv>): ObjectType | Response {
  const type = OBJECT_TYPE_ALIASES[c.req.param("objectType") ?? ""];
  return type ?? c.json(errorBody("VALIDATION_ERROR", `Unable to infer object type from: ${c.req.param("objectType")}`, c.get("correlationId")), 400);
}

export function propertyRoutes(): Hono<CrmEnv> {
  const app = new Hono<CrmEnv>();
  app.get("/:objectType/groups", (c) => {
    const type = typeOrError(c);
    if (type instanceof Response) return type;
    return c.json({ results: [...(c.get("portal").store.groups.get(type)?.values() ?? [])] });
  });
  app.get("/:objectType/groups/:groupName", (c) => {
    const type = typeOrError(c);
    if (type instanceof Response) return type;
    const group = c.get("portal").store.groups.get(type)?.get(c.req.param("groupName"));
    if (!group) return c.json(errorBody("OBJECT_NOT_FOUND", `Unable to find property group with name: ${c.req.param("groupName")}`, c.get("correlationId")), 404);
    return c.json(group);
  });
  app.post("/:objectType/groups", async (c) => {
    const type = typeOrError(c);
    if (type instanceof Response) return type;
    const refused = missingScope(c, type);
    if (refused) return refused;
    const body = await parseBody(c, GroupCreateSchema);
    if (!body.ok) return body.response;
    const groups = c.get("portal").store.groups.get(type);
    if (!groups) return c.json(errorBody("VALIDATION_ERROR", `No groups for ${type}`, c.get("correlationId")), 400);
    if (groups.has(body.value.name)) return c.json(errorBody("CONFLICT", `A property group named ${body.value.name} already exists.`, c.get("correlationId")), 409);
    const group = { name: body.value.name, label: body.value.label, displayOrder: body.value.displayOrder ?? -1, archived: false };
    groups.set(group.name, group);
    c.get("portal").onChange?.();
    return c.json(group, 201);
  });
  app.post("/:objectType", async (c) => {
    const type = typeOrError(c);
    if (type instanceof Response) return type;
    const refused = missingScope(c, type);
    if (refused) return refused;
    const body = await parseBody(c, PropertyCreateSchema);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    const defs = portal.store.defs.get(type);
    if (!defs) return c.json(errorBody("VALIDATION_ERROR", `No properties for ${type}`, c.get("correlationId")), 400);
    if (defs.has(body.value.name)) return c.json(errorBody("CONFLICT", `Property named '${body.value.name}' already exists.`, c.get("correlationId")), 409);
    const made = customPropertyDef(body.value, portal.store.groups.get(type) ?? new Map(), portal.now());
    if (!made.ok) return c.json(errorBody("VALIDATION_ERROR", made.message, c.get("correlationId")), 400);
    defs.set(made.def.name, made.def);
    portal.onChange?.();
    return c.json(serializeProperty(portal, type, made.def, defs.size - 1), 201);
  });
  app.get("/:objectType", (c) => {
    const type = OBJECT_TYPE_ALIASES[c.req.param("objectType")];
    if (!type) return c.json(errorBody("VALIDATION_ERROR", `Unable to infer object type from: ${c.req.param("objectType")}`, c.get("correlationId")), 400);
    // The simulator never archives a property definition.
    if (c.req.query("archived") === "true") return c.json({ results: [] });
    const portal = c.get("portal");
    const defs = [...(portal.store.defs.get(type)?.values() ?? [])];
    return c.json({ results: defs.map((d, i) => serializeProperty(portal, type, d, i)) });
  });
  app.get("/:objectType/:propertyName", (c) => {
    const type = OBJECT_TYPE_ALIASES[c.req.param("objectType")];
    if (!type) return c.json(errorBody("VALIDATION_ERROR", `Unable to infer object type from: ${c.req.param("objectType")}`, c.get("correlationId")), 400);
    const portal = c.get("portal");
    const name = c.req.param("propertyName");
    const defs = [...(portal.store.defs.get(type)?.values() ?? [])];
    const index = defs.findIndex((d) => d.name === name);
    const def = defs[index];
    if (!def) return c.json(errorBody("OBJECT_NOT_FOUND", `Unable to find property with name: ${name}`, c.get("correlationId")), 404);
    return c.json(serializeProperty(portal, type, def, index));
  });
  return app;
}
