// Names or ids → ids, for filters and path parameters: a team or owner may be given as its HubSpot id or its
// name (case-insensitive) as the owners/teams cache (0003) knows it. Read-only; unknown values are a value, not a throw.

export type Resolved = { ok: true; id: string } | { ok: false; reason: "unknown" | "ambiguous" };

async function resolveIn(db: D1Database, table: "teams" | "owners", value: string): Promise<Resolved> {
  const { results } = await db
    .prepare(`SELECT id FROM ${table} WHERE id = ?1 UNION SELECT id FROM ${table} WHERE name = ?1 COLLATE NOCASE LIMIT 3`)
    .bind(value.trim())
    .all<{ id: string }>();
  const exact = results.find((r) => r.id === value.trim());
  if (exact) return { ok: true, id: exact.id };
  const only = results[0];
  if (results.length === 1 && only) return { ok: true, id: only.id };
  return { ok: false, reason: results.length === 0 ? "unknown" : "ambiguous" };
}

/** A team id for `value` (an id or a team name). Ids seen only on recorded data (not in the cache) resolve to themselves. */
export async function resolveTeam(db: D1Database, value: string): Promise<Resolved> {
  const found = await resolveIn(db, "teams", value);
  if (found.ok || found.reason === "ambiguous") return found;
  const seen = await db
    .prepare("SELECT EXISTS (SELECT 1 FROM stage_transitions WHERE team_id = ?1) OR EXISTS (SELECT 1 FROM violations WHERE team_id = ?1) AS seen")
    .bind(value)
    .first<{ seen: number }>();
  return seen?.seen === 1 ? { ok: true, id: value } : found;
}

/** An owner id for `value` (an id or "First Last"). Ids only seen on recorded data resolve to themselves. */
export async function resolveOwner(db: D1Database, value: string): Promise<Resolved> {
  const found = await resolveIn(db, "owners", value);
  if (found.ok || found.reason === "ambiguous") return found;
  const seen = await db
    .prepare("SELECT EXISTS (SELECT 1 FROM stage_transitions WHERE owner_id = ?1) OR EXISTS (SELECT 1 FROM violations WHERE owner_id = ?1) AS seen")
    .bind(value)
    .first<{ seen: number }>();
  return seen?.seen === 1 ? { ok: true, id: value } : found;
}

/** Every team the cache knows, by name: the choices of a team select. */
export async function listTeams(db: D1Database): Promise<Array<{ id: string; name: string }>> {
  const { results } = await db.prepare("SELECT id, COALESCE(name, id) AS name FROM teams ORDER BY name COLLATE NOCASE LIMIT 500").all<{ id: string; name: string }>();
  return results;
}
