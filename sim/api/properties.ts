// GET /crm/v3/properties/{objectType} (and /{propertyName}): the property definitions the portal validates writes
// against, in HubSpot's shape. Options of dealstage/pipeline/hubspot_team_id come from the portal's live data.
import { Hono } from "hono";
import type { Portal } from "../portal/portal";
import type { ObjectType, PropertyDef, PropertyType } from "../portal/types";
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

const GROUP: Record<ObjectType, string> = { deals: "dealinformation", tasks: "task", contacts: "contactinformation", companies: "companyinformation", line_items: "lineiteminformation" };

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
    groupName: GROUP[type],
    options: owner ? [] : optionsOf(portal, type, def),
    createdAt: EPOCH,
    updatedAt: EPOCH,
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

export function propertyRoutes(): Hono<CrmEnv> {
  const app = new Hono<CrmEnv>();
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
