// Portal metadata cache in D1: pipelines and property types (portal_metadata), owners and teams (their own tables,
// which the managers' dashboard also reads for names). Each entry carries fetched_at for the TTL.
import type { PortalPipeline, PortalProperty } from "../policy";

export interface CachedOwner {
  id: string;
  userId: string | null;
  name: string;
  email: string | null;
  teamIds: string[];
  primaryTeamId: string | null;
}

export async function getCachedJson<T>(db: D1Database, key: "pipelines" | "properties"): Promise<{ value: T; fetchedAt: number } | null> {
  const row = await db.prepare("SELECT value, fetched_at FROM portal_metadata WHERE key = ?").bind(key).first<{ value: string; fetched_at: number }>();
  if (row === null) return null;
  try {
    return { value: JSON.parse(row.value) as T, fetchedAt: row.fetched_at };
  } catch (err) {
    console.warn("portal_metadata unreadable", key, err);
    return null;
  }
}

export function writeCachedJsonStatement(db: D1Database, key: "pipelines" | "properties", value: PortalPipeline[] | PortalProperty[], now: number): D1PreparedStatement {
  return db
    .prepare("INSERT INTO portal_metadata (key, value, fetched_at) VALUES (?,?,?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, fetched_at = excluded.fetched_at")
    .bind(key, JSON.stringify(value), now);
}

export async function listOwners(db: D1Database): Promise<{ owners: CachedOwner[]; fetchedAt: number | null }> {
  const rows = await db
    .prepare("SELECT id, user_id, name, email, team_ids, primary_team_id, fetched_at FROM owners WHERE archived = 0")
    .all<{ id: string; user_id: string | null; name: string | null; email: string | null; team_ids: string; primary_team_id: string | null; fetched_at: number }>();
  let fetchedAt: number | null = null;
  const owners = rows.results.map((r) => {
    fetchedAt = fetchedAt === null ? r.fetched_at : Math.min(fetchedAt, r.fetched_at);
    let teamIds: string[] = [];
    try {
      teamIds = JSON.parse(r.team_ids) as string[];
    } catch (err) {
      console.warn("owners.team_ids unreadable", r.id, err);
    }
    return { id: r.id, userId: r.user_id, name: r.name ?? r.id, email: r.email, teamIds, primaryTeamId: r.primary_team_id };
  });
  return { owners, fetchedAt };
}

export interface OwnerWrite {
  id: string;
  userId: string | null;
  name: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  teamIds: string[];
  primaryTeamId: string | null;
  teams: Array<{ id: string; name: string | null }>;
  archived: boolean;
}

/** Replaces the owner cache (owners no longer listed are marked archived) and upserts team names. */
export function writeOwnersStatements(db: D1Database, owners: OwnerWrite[], now: number): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [db.prepare("UPDATE owners SET archived = 1, fetched_at = ?").bind(now)];
  const teams = new Map<string, string | null>();
  for (const o of owners) {
    for (const t of o.teams) teams.set(t.id, t.name);
    out.push(
      db
        .prepare(
          `INSERT INTO owners (id, user_id, name, email, first_name, last_name, team_ids, primary_team_id, archived, fetched_at)
           VALUES (?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, name = excluded.name, email = excluded.email,
             first_name = excluded.first_name, last_name = excluded.last_name, team_ids = excluded.team_ids,
             primary_team_id = excluded.primary_team_id, archived = excluded.archived, fetched_at = excluded.fetched_at`,
        )
        .bind(o.id, o.userId, o.name, o.email, o.firstName, o.lastName, JSON.stringify(o.teamIds), o.primaryTeamId, o.archived ? 1 : 0, now),
    );
  }
  for (const [id, name] of teams) {
    out.push(
      db
        .prepare("INSERT INTO teams (id, name, fetched_at) VALUES (?,?,?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, fetched_at = excluded.fetched_at")
        .bind(id, name, now),
    );
  }
  return out;
}
