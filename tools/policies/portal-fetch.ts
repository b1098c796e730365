// Fetches a portal's deal pipelines and deal properties from HubSpot (or the simulator) as a PortalSchema.
import { z } from "zod";
import { checkGovernanceSet } from "../../src/hubspot/governance-properties";
import type { PortalPropertyType, PortalSchema } from "../../src/policy/index";

const PipelinesResponse = z.object({
  results: z.array(z.object({
    id: z.string(),
    label: z.string(),
    displayOrder: z.number(),
    archived: z.boolean().optional(),
    stages: z.array(z.object({
      id: z.string(),
      label: z.string(),
      displayOrder: z.number(),
      archived: z.boolean().optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
    })),
  })),
});

const PropertiesResponse = z.object({
  results: z.array(z.object({
    name: z.string(),
    type: z.string(),
    label: z.string().optional(),
    archived: z.boolean().optional(),
    fieldType: z.string().optional(),
    groupName: z.string().optional(),
    options: z.array(z.object({ value: z.string() })).optional(),
  })),
});

const TYPES: readonly PortalPropertyType[] = ["string", "number", "date", "datetime", "enumeration", "bool"];

export interface FetchedPortal {
  pipelines: PortalSchema["pipelines"];
  /** null when the portal answers 404 for the properties endpoint (callers fall back to the snapshot). */
  properties: PortalSchema["properties"] | null;
  /** What is wrong with the governance properties in the portal (empty: all in place); null without properties. */
  governance: string[] | null;
}

async function getJson(url: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch (error) {
    body = { unparsable: String(error) };
  }
  return { status: response.status, body };
}

/** GET /crm/v3/pipelines/deals and /crm/v3/properties/deals. Errors are values with a readable message. */
export async function fetchPortal(baseUrl: string, token: string): Promise<{ ok: true; value: FetchedPortal } | { ok: false; error: string }> {
  const root = baseUrl.replace(/\/+$/, "");
  let pipelinesRes: { status: number; body: unknown };
  try {
    pipelinesRes = await getJson(`${root}/crm/v3/pipelines/deals`, token);
  } catch (error) {
    return { ok: false, error: `cannot reach ${root}: ${String(error)}` };
  }
  if (pipelinesRes.status !== 200) return { ok: false, error: `GET /crm/v3/pipelines/deals → ${pipelinesRes.status}` };
  const pipelines = PipelinesResponse.safeParse(pipelinesRes.body);
  if (!pipelines.success) return { ok: false, error: `unexpected pipelines response: ${pipelines.error.issues[0]?.message ?? ""}` };
  const propertiesRes = await getJson(`${root}/crm/v3/properties/deals`, token);
  let properties: FetchedPortal["properties"] = null;
  let governance: FetchedPortal["governance"] = null;
  if (propertiesRes.status === 200) {
    const parsed = PropertiesResponse.safeParse(propertiesRes.body);
    if (!parsed.success) return { ok: false, error: `unexpected properties response: ${parsed.error.issues[0]?.message ?? ""}` };
    properties = parsed.data.results
      .filter((p) => p.archived !== true)
      .map((p) => ({ name: p.name, type: TYPES.find((t) => t === p.type) ?? "string", ...(p.label ? { label: p.label } : {}) }));
    governance = checkGovernanceSet(parsed.data.results.filter((p) => p.archived !== true).map((p) => ({ name: p.name, type: p.type, fieldType: p.fieldType ?? "", ...(p.groupName === undefined ? {} : { groupName: p.groupName }), ...(p.options === undefined ? {} : { options: p.options }) })));
  } else if (propertiesRes.status !== 404) {
    return { ok: false, error: `GET /crm/v3/properties/deals → ${propertiesRes.status}` };
  }
  return {
    ok: true,
    value: {
      pipelines: pipelines.data.results
        .filter((p) => p.archived !== true)
        .map((p) => ({
          id: p.id,
          label: p.label,
          displayOrder: p.displayOrder,
          stages: p.stages
            .filter((s) => s.archived !== true)
            .map((s) => {
              const probability = Number(s.metadata?.probability);
              return { id: s.id, label: s.label, displayOrder: s.displayOrder, isClosed: String(s.metadata?.isClosed) === "true", probability: Number.isFinite(probability) ? probability : null };
            }),
        })),
      properties,
      governance,
    },
  };
}
