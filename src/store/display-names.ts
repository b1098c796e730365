// Display names for ids the managers' view shows: owners and teams from enforcement's metadata cache (0003),
// stage and pipeline labels from the cached pipelines, falling back to labels recorded on violations.
// Read-only; a missing or malformed cache just means ids are shown.
import { z } from "zod";

export interface DisplayNames {
  owners: Map<string, string>;
  /** HubSpot user id → the owner's name (who made a change is recorded as a user id). */
  users: Map<string, string>;
  /** Deal id → the deal's name, as enforcement last saw it. */
  deals: Map<string, string>;
  teams: Map<string, string>;
  stages: Map<string, string>;
  pipelines: Map<string, string>;
  /** Deal property name → the portal's label ("closedate" → "Close Date"), from the cached property list. */
  properties: Map<string, string>;
  /** Each cached pipeline's stages in pipeline order. */
  stagesByPipeline: Map<string, Array<{ id: string; label: string }>>;
}

const PipelinesSchema = z.array(
  z.object({ id: z.string(), label: z.string(), stages: z.array(z.object({ id: z.string(), label: z.string() })).default([]) }),
);

function parsePipelines(text: string | null | undefined): z.infer<typeof PipelinesSchema> {
  if (!text) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    console.warn("portal_metadata pipelines is not JSON", err instanceof Error ? err.message : String(err));
    return [];
  }
  const list = Array.isArray(value) ? value : (value as { pipelines?: unknown } | null)?.pipelines;
  const parsed = PipelinesSchema.safeParse(list);
  return parsed.success ? parsed.data : [];
}

const unique = (ids: Array<string | null | undefined>) => [...new Set(ids.filter((i): i is string => typeof i === "string" && i !== ""))];

/** Loads names for the given ids in one round trip. Never throws for a missing cache row. */
export async function loadDisplayNames(
  db: D1Database,
  ids: { owners?: Array<string | null>; teams?: Array<string | null>; stages?: Array<string | null>; users?: Array<string | null>; deals?: Array<string | null> },
): Promise<DisplayNames> {
  const deals = unique(ids.deals ?? []);
  const owners = unique(ids.owners ?? []);
  const users = unique(ids.users ?? []);
  const teams = unique(ids.teams ?? []);
  const stages = unique(ids.stages ?? []);
  const [ownerRows, teamRows, meta, stageRows, userRows, propertyRows, dealRows] = await db.batch<Record<string, string | null>>([
    db.prepare("SELECT id, name FROM owners WHERE id IN (SELECT value FROM json_each(?)) AND name IS NOT NULL").bind(JSON.stringify(owners)),
    db.prepare("SELECT id, name FROM teams WHERE id IN (SELECT value FROM json_each(?)) AND name IS NOT NULL").bind(JSON.stringify(teams)),
    db.prepare("SELECT value FROM portal_metadata WHERE key = 'pipelines'"),
    // Fallback: the label enforcement recorded on any violation into that stage (index on to_stage).
    db
      .prepare("SELECT s.value AS id, (SELECT to_stage_label FROM violations WHERE to_stage = s.value AND to_stage_label IS NOT NULL LIMIT 1) AS name FROM json_each(?) s")
      .bind(JSON.stringify(stages)),
    db.prepare("SELECT user_id AS id, name FROM owners WHERE user_id IN (SELECT value FROM json_each(?)) AND name IS NOT NULL").bind(JSON.stringify(users)),
    db.prepare(
      `SELECT json_extract(p.value, '$.name') AS id, json_extract(p.value, '$.label') AS name
       FROM portal_metadata m, json_each(CASE WHEN json_valid(m.value) THEN m.value ELSE '[]' END) p WHERE m.key = 'properties'`,
    ),
    // The deal's last-known name; a deal the engine never stored keeps the name recorded on its violations.
    db
      .prepare(
        `SELECT d.value AS id, COALESCE((SELECT deal_name FROM deal_state WHERE deal_id = d.value),
                (SELECT deal_name FROM violations WHERE deal_id = d.value AND deal_name IS NOT NULL LIMIT 1)) AS name FROM json_each(?) d`,
      )
      .bind(JSON.stringify(deals)),
  ]);
  const toMap = (r: D1Result<Record<string, string | null>> | undefined) => {
    const m = new Map<string, string>();
    for (const row of r?.results ?? []) if (row.id && row.name) m.set(row.id, row.name);
    return m;
  };
  const stageMap = toMap(stageRows);
  const pipelineMap = new Map<string, string>();
  const stagesByPipeline = new Map<string, Array<{ id: string; label: string }>>();
  for (const p of parsePipelines(meta?.results[0]?.value)) {
    pipelineMap.set(p.id, p.label);
    stagesByPipeline.set(p.id, p.stages);
    for (const s of p.stages) stageMap.set(s.id, s.label);
  }
  return { owners: toMap(ownerRows), users: toMap(userRows), properties: toMap(propertyRows), deals: toMap(dealRows), teams: toMap(teamRows), stages: stageMap, pipelines: pipelineMap, stagesByPipeline };
}

/** The name if known, else the id; "—" for null. */
export function nameOf(map: Map<string, string>, id: string | null | undefined): string {
  if (id === null || id === undefined || id === "") return "—";
  return map.get(id) ?? id;
}

export interface NamedOption {
  id: string;
  name: string;
}
export interface FilterOptions {
  owners: NamedOption[];
  teams: NamedOption[];
  /** Stages grouped by pipeline, for a select with one group per pipeline. */
  pipelines: Array<NamedOption & { stages: NamedOption[] }>;
}

/**
 * Everything a filter select offers: current owners and teams by name (limited to `teams` when given), and the
 * cached pipelines' stages. Owners and teams seen only on rows appear under their id.
 */
export async function loadFilterOptions(db: D1Database, teams: string[] | null): Promise<FilterOptions> {
  const scope = teams === null ? null : JSON.stringify(teams);
  const [ownerRows, teamRows, meta] = await db.batch<Record<string, string | null>>([
    db
      .prepare(
        `SELECT id, COALESCE(name, id) AS name FROM owners WHERE archived = 0
           AND (?1 IS NULL OR EXISTS (SELECT 1 FROM json_each(owners.team_ids) t WHERE t.value IN (SELECT value FROM json_each(?1))))
         ORDER BY name COLLATE NOCASE LIMIT 1000`,
      )
      .bind(scope),
    db
      .prepare("SELECT id, COALESCE(name, id) AS name FROM teams WHERE (?1 IS NULL OR id IN (SELECT value FROM json_each(?1))) ORDER BY name COLLATE NOCASE LIMIT 500")
      .bind(scope),
    db.prepare("SELECT value FROM portal_metadata WHERE key = 'pipelines'"),
  ]);
  const named = (r: D1Result<Record<string, string | null>> | undefined): NamedOption[] =>
    (r?.results ?? []).flatMap((row) => (row.id ? [{ id: row.id, name: row.name ?? row.id }] : []));
  const teamOptions = named(teamRows);
  // A team in scope that the cache hasn't named yet is still offered, under its id.
  for (const t of teams ?? []) if (!teamOptions.some((o) => o.id === t)) teamOptions.push({ id: t, name: t });
  const pipelines = parsePipelines(meta?.results[0]?.value).map((p) => ({ id: p.id, name: p.label, stages: p.stages.map((s) => ({ id: s.id, name: s.label })) }));
  return { owners: named(ownerRows), teams: teamOptions, pipelines };
}
