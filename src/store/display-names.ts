// Display names for ids the managers' view shows: owners and teams from enforcement's metadata cache (0003),
// stage and pipeline labels from the cached pipelines, falling back to labels recorded on violations.
// Read-only; a missing or malformed cache just means ids are shown.
import { z } from "zod";

export interface DisplayNames {
  owners: Map<string, string>;
  teams: Map<string, string>;
  stages: Map<string, string>;
  pipelines: Map<string, string>;
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
  ids: { owners?: Array<string | null>; teams?: Array<string | null>; stages?: Array<string | null> },
): Promise<DisplayNames> {
  const owners = unique(ids.owners ?? []);
  const teams = unique(ids.teams ?? []);
  const stages = unique(ids.stages ?? []);
  const [ownerRows, teamRows, meta, stageRows] = await db.batch<Record<string, string | null>>([
    db.prepare("SELECT id, name FROM owners WHERE id IN (SELECT value FROM json_each(?)) AND name IS NOT NULL").bind(JSON.stringify(owners)),
    db.prepare("SELECT id, name FROM teams WHERE id IN (SELECT value FROM json_each(?)) AND name IS NOT NULL").bind(JSON.stringify(teams)),
    db.prepare("SELECT value FROM portal_metadata WHERE key = 'pipelines'"),
    // Fallback: the label enforcement recorded on any violation into that stage (index on to_stage).
    db
      .prepare("SELECT s.value AS id, (SELECT to_stage_label FROM violations WHERE to_stage = s.value AND to_stage_label IS NOT NULL LIMIT 1) AS name FROM json_each(?) s")
      .bind(JSON.stringify(stages)),
  ]);
  const toMap = (r: D1Result<Record<string, string | null>> | undefined) => {
    const m = new Map<string, string>();
    for (const row of r?.results ?? []) if (row.id && row.name) m.set(row.id, row.name);
    return m;
  };
  const stageMap = toMap(stageRows);
  const pipelineMap = new Map<string, string>();
  for (const p of parsePipelines(meta?.results[0]?.value)) {
    pipelineMap.set(p.id, p.label);
    for (const s of p.stages) stageMap.set(s.id, s.label);
  }
  return { owners: toMap(ownerRows), teams: toMap(teamRows), stages: stageMap, pipelines: pipelineMap };
}

/** The name if known, else the id; "—" for null. */
export function nameOf(map: Map<string, string>, id: string | null | undefined): string {
  if (id === null || id === undefined || id === "") return "—";
  return map.get(id) ?? id;
}
