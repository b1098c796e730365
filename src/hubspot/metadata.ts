// Portal metadata reads: deal pipelines with stages, deal property types, owners with teams. Domain shapes out,
// HubSpotError values on failure; caching lives in src/store/metadata-cache.ts.
import type { PortalPipeline, PortalProperty, PortalPropertyType } from "../policy";
import type { HubSpotClient } from "./client";
import { callHubSpot, type HubSpotError, type Result } from "./errors";

export interface OwnerRecord {
  id: string;
  userId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  name: string;
  teamIds: string[];
  primaryTeamId: string | null;
  teams: Array<{ id: string; name: string | null; primary: boolean }>;
  archived: boolean;
}

function parseProbability(raw: string | undefined): number | null {
  if (raw === undefined || raw === "") return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

export async function fetchPipelines(client: HubSpotClient): Promise<Result<PortalPipeline[], HubSpotError>> {
  const answer = await callHubSpot(() => client.pipelines.getAll("deals"));
  if (!answer.ok) return answer;
  const pipelines = answer.value.results
    .filter((p) => !p.archived)
    .map((p) => ({
      id: p.id,
      label: p.label,
      displayOrder: p.displayOrder,
      stages: p.stages
        .filter((s) => !s.archived)
        .map((s) => ({
          id: s.id,
          label: s.label,
          displayOrder: s.displayOrder,
          isClosed: String(s.metadata?.isClosed ?? "false") === "true",
          probability: parseProbability(s.metadata?.probability),
        }))
        .sort((a, b) => a.displayOrder - b.displayOrder),
    }))
    .sort((a, b) => a.displayOrder - b.displayOrder);
  return { ok: true, value: pipelines };
}

function toPropertyType(type: string, fieldType: string): PortalPropertyType {
  switch (type) {
    case "number":
      return "number";
    case "date":
      return "date";
    case "datetime":
      return "datetime";
    case "enumeration":
      return fieldType === "booleancheckbox" ? "bool" : "enumeration";
    case "bool":
      return "bool";
    default:
      return "string";
  }
}

export async function fetchDealProperties(client: HubSpotClient): Promise<Result<PortalProperty[], HubSpotError>> {
  const answer = await callHubSpot(() => client.properties.getAll("deals", false));
  if (!answer.ok) return answer;
  return {
    ok: true,
    value: answer.value.results.map((p) => ({ name: p.name, type: toPropertyType(p.type, p.fieldType), label: p.label })),
  };
}

/** Every owner, all pages (100 per page). */
export async function fetchOwners(client: HubSpotClient): Promise<Result<OwnerRecord[], HubSpotError>> {
  const owners: OwnerRecord[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    pages++;
    const page = await callHubSpot(() => client.owners.getPage(undefined, after, 100, false));
    if (!page.ok) return page;
    for (const o of page.value.results) {
      const teams = (o.teams ?? []).map((t) => ({ id: String(t.id), name: t.name ?? null, primary: Boolean(t.primary) }));
      const name = [o.firstName, o.lastName].filter((x) => x).join(" ") || o.email || `owner ${o.id}`;
      owners.push({
        id: String(o.id),
        userId: o.userId === undefined || o.userId === null ? null : String(o.userId),
        email: o.email ?? null,
        firstName: o.firstName ?? null,
        lastName: o.lastName ?? null,
        name,
        teamIds: teams.map((t) => t.id),
        primaryTeamId: teams.find((t) => t.primary)?.id ?? teams[0]?.id ?? null,
        teams,
        archived: Boolean(o.archived),
      });
    }
    after = page.value.paging?.next?.after;
  } while (after !== undefined && pages < 50);
  return { ok: true, value: owners };
}
