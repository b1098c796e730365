// The engine's reference on its HubSpot tasks: a hidden custom task property (governance_task_ref) holding the
// deal_tasks row id, out of every text a rep reads and out of reach of deal data (a deal name can only land in the
// subject or body). Created on demand the first time a create is refused for want of it; matched by exact equality,
// never by scanning a body. Tasks created before it existed carry `[governance-ref:…]` as the body's last line: only
// such a task (no property value) is matched by that exact marker. Errors are values; never throws.
import {
  PropertyCreateFieldTypeEnum as FieldType,
  PropertyCreateTypeEnum as PropertyType,
} from "@hubspot/api-client/lib/codegen/crm/properties/index.js";
import type { HubSpotClient } from "./client";
import { callHubSpot, type HubSpotError, type Result } from "./errors";

/** The task property carrying the engine's reference (never rename: tasks in HubSpot carry it). */
export const TASK_REF_PROPERTY = "governance_task_ref";
/** The engine's property group on tasks (its own, so it never depends on the name of HubSpot's default group). */
export const TASK_REF_GROUP = { name: "deal_governance", label: "Deal governance", displayOrder: -1 } as const;

/** The marker tasks created before the property carried at the end of their body (read for old tasks only). */
export function legacyRefMarker(ref: string): string {
  return `[governance-ref:${ref}]`;
}

/** Is this 400 HubSpot saying the task property doesn't exist (yet)? */
export function isMissingRefProperty(error: HubSpotError): boolean {
  return error.kind === "validation" && error.message.includes(TASK_REF_PROPERTY);
}

const isConflict = (e: HubSpotError) => e.status === 409 || (e.kind === "validation" && /already exists/i.test(e.message));

/**
 * Creates the group and the property on tasks (409 = already there). `refused`: the token may not create task
 * properties (403) or HubSpot won't have it (400) — the caller creates tasks without a reference.
 */
export async function installTaskRefProperty(client: HubSpotClient): Promise<Result<"installed" | "refused", HubSpotError>> {
  const refusal = (e: HubSpotError): Result<"installed" | "refused", HubSpotError> =>
    e.kind === "unauthorized" || e.kind === "validation" ? { ok: true, value: "refused" } : { ok: false, error: e };
  const group = await callHubSpot(() => client.propertyGroups.create("tasks", { ...TASK_REF_GROUP }));
  if (!group.ok && !isConflict(group.error)) return refusal(group.error);
  const property = await callHubSpot(() =>
    client.properties.create("tasks", {
      name: TASK_REF_PROPERTY,
      label: "Deal governance reference",
      description: "Set by the deal-governance engine: which of its task records this task is. Not for people; never edit it.",
      groupName: TASK_REF_GROUP.name,
      type: PropertyType.String,
      fieldType: FieldType.Text,
      formField: false,
      hasUniqueValue: false,
      hidden: true,
    }),
  );
  if (!property.ok && !isConflict(property.error)) return refusal(property.error);
  return { ok: true, value: "installed" };
}

/**
 * Which of `refs` a task read back is: its property value when it has one (exact), else — a task from before the
 * property — the ref whose marker the engine wrote as the body's last line. null when it is none of ours.
 */
export function refOfTask(properties: Record<string, string | null | undefined>, refs: ReadonlySet<string>): string | null {
  const value = properties[TASK_REF_PROPERTY] ?? "";
  if (value !== "") return refs.has(value) ? value : null;
  const body = (properties.hs_task_body ?? "").trimEnd();
  const tail = /\[governance-ref:([^\]\s]+)\]$/.exec(body)?.[1];
  return tail !== undefined && refs.has(tail) && body.endsWith(legacyRefMarker(tail)) ? tail : null;
}
