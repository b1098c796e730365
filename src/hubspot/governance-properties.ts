// The governance properties in HubSpot: install the group and properties (idempotent: a 409 means "already there"),
// check the portal's set, read the current values and write new ones (batch update, ≤100 per call). Domain shapes
// in, HubSpotError values out; never throws.
import {
  PropertyCreateFieldTypeEnum as FieldType,
  PropertyCreateTypeEnum as PropertyType,
} from "@hubspot/api-client/lib/codegen/crm/properties/index.js";
import { chunk } from "../chunk";
import { GOVERNANCE_BATCH_LIMIT, GOVERNANCE_GROUP, GOVERNANCE_PROPERTIES, GOVERNANCE_PROPERTY_NAMES, type GovernancePropertyDef } from "../governance";
import type { Result } from "../result";
import type { HubSpotClient } from "./client";
import { callHubSpot, describeError, type HubSpotError } from "./errors";

export { GOVERNANCE_BATCH_LIMIT };
/** The private app scope creating properties needs (reading and writing deals need crm.objects.deals.read/write). */
export const PROPERTIES_SCOPE = "crm.schemas.deals.write";

const TYPE: Record<GovernancePropertyDef["type"], PropertyType> = {
  enumeration: PropertyType.Enumeration,
  number: PropertyType.Number,
  string: PropertyType.String,
  datetime: PropertyType.Datetime,
};
const FIELD: Record<GovernancePropertyDef["fieldType"], FieldType> = {
  select: FieldType.Select,
  number: FieldType.Number,
  text: FieldType.Text,
  date: FieldType.Date,
};

export type InstallOutcome =
  | { ok: true; created: string[]; existing: string[] }
  | { ok: false; refused: true; message: string }
  | { ok: false; refused: false; error: HubSpotError };

/** Is it HubSpot's "already exists" answer (409 Conflict)? */
const isConflict = (e: HubSpotError) => e.status === 409 || (e.kind === "validation" && /already exists/i.test(e.message));

/**
 * Creates the group and every governance property that doesn't exist yet. A 403 (the token lacks
 * crm.schemas.deals.write) comes back as `refused` with a message saying what to grant.
 */
export async function installGovernanceProperties(client: HubSpotClient): Promise<InstallOutcome> {
  const created: string[] = [];
  const existing: string[] = [];
  const refuse = (e: HubSpotError): InstallOutcome =>
    e.kind === "unauthorized"
      ? { ok: false, refused: true, message: `HubSpot refused to create deal properties (${e.status}): give the private app the "${PROPERTIES_SCOPE}" scope, then run npm run ops -- install-properties. HubSpot said: ${e.message}` }
      : { ok: false, refused: false, error: e };

  const group = await callHubSpot(() => client.propertyGroups.create("deals", { name: GOVERNANCE_GROUP.name, label: GOVERNANCE_GROUP.label, displayOrder: GOVERNANCE_GROUP.displayOrder }));
  if (group.ok) created.push(`group ${GOVERNANCE_GROUP.name}`);
  else if (isConflict(group.error)) existing.push(`group ${GOVERNANCE_GROUP.name}`);
  else return refuse(group.error);

  for (const def of GOVERNANCE_PROPERTIES) {
    const answer = await callHubSpot(() =>
      client.properties.create("deals", {
        name: def.name,
        label: def.label,
        description: def.description,
        groupName: GOVERNANCE_GROUP.name,
        type: TYPE[def.type],
        fieldType: FIELD[def.fieldType],
        formField: false,
        hasUniqueValue: false,
        hidden: false,
        ...(def.options === undefined ? {} : { options: def.options.map((o) => ({ ...o })) }),
      }),
    );
    if (answer.ok) created.push(def.name);
    else if (isConflict(answer.error)) existing.push(def.name);
    else return refuse(answer.error);
  }
  return { ok: true, created, existing };
}

export interface PortalPropertyShape {
  name: string;
  type: string;
  fieldType: string;
  groupName?: string;
  options?: Array<{ value: string }>;
}

/** Compares the portal's deal properties with the governance set: one line per problem, empty when all is well. */
export function checkGovernanceSet(portal: PortalPropertyShape[]): string[] {
  const byName = new Map(portal.map((p) => [p.name, p]));
  const problems: string[] = [];
  for (const def of GOVERNANCE_PROPERTIES) {
    const p = byName.get(def.name);
    if (p === undefined) {
      problems.push(`${def.name}: missing in the portal (run npm run ops -- install-properties)`);
      continue;
    }
    if (p.type !== def.type) problems.push(`${def.name}: type is ${p.type}, expected ${def.type}`);
    if (p.groupName !== undefined && p.groupName !== GOVERNANCE_GROUP.name) problems.push(`${def.name}: in group ${p.groupName}, expected ${GOVERNANCE_GROUP.name}`);
    const missing = (def.options ?? []).filter((o) => !(p.options ?? []).some((x) => x.value === o.value)).map((o) => o.value);
    if (missing.length > 0) problems.push(`${def.name}: options ${missing.join(", ")} missing`);
  }
  return problems;
}

/** The governance properties as HubSpot has them now, per deal (deals it doesn't return are left out). */
export async function readGovernanceProperties(client: HubSpotClient, dealIds: string[]): Promise<Result<Map<string, Record<string, string | null>>, HubSpotError>> {
  const out = new Map<string, Record<string, string | null>>();
  for (const part of chunk([...new Set(dealIds)], GOVERNANCE_BATCH_LIMIT)) {
    const answer = await callHubSpot(() => client.deals.batch.read({ inputs: part.map((id) => ({ id })), properties: [...GOVERNANCE_PROPERTY_NAMES], propertiesWithHistory: [] }, false));
    if (!answer.ok) return answer;
    for (const deal of answer.value.results) out.set(String(deal.id), { ...deal.properties });
  }
  return { ok: true, value: out };
}

export interface GovernanceWrite {
  dealId: string;
  properties: Record<string, string>;
}

export interface GovernanceWriteOutcome {
  written: string[];
  /** Deals HubSpot refused (deleted since, or the properties don't exist): not retried by this run. */
  refused: Array<{ dealId: string; error: string }>;
}

/**
 * Writes the values, one batch update per ≤100 deals. A refused batch (400/404: a deal deleted, or the properties
 * missing) is retried deal by deal so one bad input doesn't hold the others back. Transient failures are returned.
 */
export async function writeGovernanceProperties(client: HubSpotClient, writes: GovernanceWrite[]): Promise<Result<GovernanceWriteOutcome, HubSpotError>> {
  const out: GovernanceWriteOutcome = { written: [], refused: [] };
  for (const part of chunk(writes, GOVERNANCE_BATCH_LIMIT)) {
    const answer = await callHubSpot(() => client.deals.batch.update({ inputs: part.map((w) => ({ id: w.dealId, properties: w.properties })) }));
    if (answer.ok) {
      // 207: only the inputs in `results` were applied; match by id, never by position.
      const applied = new Set(answer.value.results.map((r) => String(r.id)));
      for (const w of part) {
        if (applied.has(w.dealId)) out.written.push(w.dealId);
        else out.refused.push({ dealId: w.dealId, error: "not in HubSpot's answer" });
      }
      continue;
    }
    if (answer.error.kind !== "validation" && answer.error.kind !== "not-found") return answer;
    // Properties missing in the portal fail every input alike: one answer for all, no call per deal.
    if (part.length === 1 || /PROPERTY_DOESNT_EXIST|does not exist/i.test(answer.error.message)) {
      out.refused.push(...part.map((w) => ({ dealId: w.dealId, error: describeError(answer.error) })));
      continue;
    }
    for (const w of part) {
      const one = await callHubSpot(() => client.deals.basic.update(w.dealId, { properties: w.properties }));
      if (one.ok) out.written.push(w.dealId);
      else if (one.error.kind === "validation" || one.error.kind === "not-found") out.refused.push({ dealId: w.dealId, error: describeError(one.error) });
      else return one;
    }
  }
  return { ok: true, value: out };
}
