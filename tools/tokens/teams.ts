// `--teams` for the tokens CLI: team names or ids → the ids the token stores, checked against the teams the engine
// has cached from HubSpot (D1 `teams`). Pure: the caller reads the rows.
import { suggestName } from "../../src/policy/suggest";

export interface KnownTeam {
  id: string;
  name: string | null;
}

export const LIST_TEAMS_SQL = "SELECT id, name FROM teams ORDER BY name, id;";

export type TeamResolution = { ok: true; ids: string[]; unchecked: boolean } | { ok: false; error: string };

/**
 * Each requested entry matches a team's id exactly or its name case-insensitively. With no teams cached yet (the
 * engine has not read HubSpot's teams), entries are taken as ids, marked unchecked. Never throws.
 */
export function resolveTeams(requested: readonly string[], known: readonly KnownTeam[]): TeamResolution {
  if (known.length === 0) return { ok: true, ids: [...new Set(requested)], unchecked: true };
  const ids: string[] = [];
  for (const entry of requested) {
    const hit = known.find((t) => t.id === entry) ?? known.find((t) => t.name !== null && t.name.toLowerCase() === entry.toLowerCase());
    if (hit === undefined) {
      const suggestion = suggestName(entry, known.flatMap((t) => (t.name === null ? [t.id] : [t.name, t.id])));
      return { ok: false, error: `--teams: no team "${entry}"${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}; known teams: ${describeTeams(known)}` };
    }
    if (!ids.includes(hit.id)) ids.push(hit.id);
  }
  return { ok: true, ids, unchecked: false };
}

/** "East (team-east), West (team-west)". */
export function describeTeams(known: readonly KnownTeam[]): string {
  return known.map((t) => (t.name === null ? t.id : `${t.name} (${t.id})`)).join(", ");
}
