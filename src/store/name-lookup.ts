// Resolves what a manager typed into a filter — a name or an id — to the id the tables store. Owners and teams come
// from the metadata cache (0003), stage labels from the cached pipelines; an id the cache no longer lists still
// resolves while rows carry it. Every lookup is an index probe. Read-only; never throws for an unknown name.
import { loadDisplayNames } from "./display-names";

export type NameField = "owner" | "team" | "stage";
export type NameLookup = Partial<Record<NameField, string>> & { pipeline?: string };

export interface UnresolvedName {
  field: NameField;
  value: string;
  /** How many records carry that name: 0 = unknown, 2+ = ambiguous. */
  matches: number;
}

export type NameResolution = { ok: true; ids: Partial<Record<NameField, string>> } | { ok: false; unresolved: UnresolvedName[] };

interface Hit {
  id: string;
  how: "id" | "name";
}

/** Ids win over names: a value that is someone's id never resolves to a different record by name. */
function pick(field: NameField, value: string, hits: Hit[]): string | UnresolvedName {
  const byId = hits.find((h) => h.how === "id");
  if (byId) return byId.id;
  const ids = [...new Set(hits.map((h) => h.id))];
  return ids.length === 1 && ids[0] !== undefined ? ids[0] : { field, value, matches: ids.length };
}

function ownerStatement(db: D1Database, value: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT id, 'id' AS how FROM owners WHERE id = ?1
       UNION ALL SELECT ?1, 'id' WHERE EXISTS (SELECT 1 FROM violations WHERE owner_id = ?1) OR EXISTS (SELECT 1 FROM stage_transitions WHERE owner_id = ?1)
       UNION ALL SELECT id, 'name' FROM owners WHERE archived = 0 AND (name = ?1 COLLATE NOCASE OR email = ?1 COLLATE NOCASE)`,
    )
    .bind(value);
}

function teamStatement(db: D1Database, value: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT id, 'id' AS how FROM teams WHERE id = ?1
       UNION ALL SELECT ?1, 'id' WHERE EXISTS (SELECT 1 FROM violations WHERE team_id = ?1) OR EXISTS (SELECT 1 FROM stage_transitions WHERE team_id = ?1)
       UNION ALL SELECT id, 'name' FROM teams WHERE name = ?1 COLLATE NOCASE`,
    )
    .bind(value);
}

/**
 * A stage id seen on violations (an index lookup: the filter only ever narrows violations). Labels resolve through
 * the cached pipelines alone, so an unknown label never scans the table.
 */
function stageStatement(db: D1Database, value: string): D1PreparedStatement {
  return db.prepare("SELECT ?1 AS id, 'id' AS how WHERE EXISTS (SELECT 1 FROM violations WHERE to_stage = ?1)").bind(value);
}

/**
 * Resolves each given field to one id, in one D1 round trip. `pipeline` (an id) narrows stage labels shared by
 * several pipelines. Returns every field it could not resolve, with how many records matched.
 */
export async function resolveNames(db: D1Database, q: NameLookup): Promise<NameResolution> {
  const fields = (["owner", "team", "stage"] as const).filter((f) => q[f] !== undefined);
  if (fields.length === 0) return { ok: true, ids: {} };
  const statement = (f: NameField, value: string) =>
    f === "owner" ? ownerStatement(db, value) : f === "team" ? teamStatement(db, value) : stageStatement(db, value);
  const results = await db.batch<{ id: string; how: "id" | "name" }>(fields.map((f) => statement(f, q[f] ?? "")));
  const hits = new Map<NameField, Hit[]>(fields.map((f, i) => [f, results[i]?.results ?? []]));
  if (q.stage !== undefined) hits.get("stage")?.push(...(await stageLabelHits(db, q.stage, q.pipeline)));
  const ids: Partial<Record<NameField, string>> = {};
  const unresolved: UnresolvedName[] = [];
  for (const f of fields) {
    const picked = pick(f, q[f] ?? "", hits.get(f) ?? []);
    if (typeof picked === "string") ids[f] = picked;
    else unresolved.push(picked);
  }
  return unresolved.length ? { ok: false, unresolved } : { ok: true, ids };
}

/** Stage ids and labels from the cached pipelines (optionally one pipeline). */
async function stageLabelHits(db: D1Database, value: string, pipeline: string | undefined): Promise<Hit[]> {
  const { stagesByPipeline } = await loadDisplayNames(db, {});
  const wanted = value.toLowerCase();
  const hits: Hit[] = [];
  for (const [pipelineId, stages] of stagesByPipeline) {
    if (pipeline !== undefined && pipelineId !== pipeline) continue;
    for (const s of stages) {
      if (s.id === value) hits.push({ id: s.id, how: "id" });
      else if (s.label.toLowerCase() === wanted) hits.push({ id: s.id, how: "name" });
    }
  }
  return hits;
}

/** Every team the cache knows, by name: the choices of a team select. */
export async function listTeams(db: D1Database): Promise<Array<{ id: string; name: string }>> {
  const { results } = await db.prepare("SELECT id, COALESCE(name, id) AS name FROM teams ORDER BY name COLLATE NOCASE LIMIT 500").all<{ id: string; name: string }>();
  return results;
}
