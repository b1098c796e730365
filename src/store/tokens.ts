// D1 repository for api_tokens and sessions (0004). Stores and compares only hashes; never sees a raw secret.
import type { Result } from "../result";
import { z } from "zod";

export type Role = "admin" | "manager";

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  /** null = every team. */
  teams: string[] | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export type CredentialProblem = "unknown" | "expired" | "revoked";
export type CredentialResult = Result<TokenRecord, CredentialProblem>;

interface TokenRow {
  id: string;
  name: string;
  role: string;
  teams: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

const TeamsSchema = z.array(z.string()).nullable();
const TOKEN_COLUMNS = "t.id, t.name, t.role, t.teams, t.created_at, t.expires_at, t.revoked_at, t.last_used_at";

function toRecord(row: TokenRow): TokenRecord {
  const teams = TeamsSchema.safeParse(row.teams === null ? null : JSON.parse(row.teams));
  return {
    id: row.id,
    name: row.name,
    role: row.role === "admin" ? "admin" : "manager",
    // A malformed teams column must never widen access: treat it as "no teams".
    teams: teams.success ? teams.data : [],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

function checkUsable(row: TokenRow | null, now: number): CredentialResult {
  if (!row) return { ok: false, error: "unknown" };
  if (row.revoked_at !== null) return { ok: false, error: "revoked" };
  if (row.expires_at !== null && row.expires_at <= now) return { ok: false, error: "expired" };
  return { ok: true, value: toRecord(row) };
}

/** Looks a bearer token up by its hash; says why it is not usable. Never throws on a bad token. */
export async function findTokenByHash(db: D1Database, tokenHash: string, now: number): Promise<CredentialResult> {
  const row = await db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE t.token_hash = ?`).bind(tokenHash).first<TokenRow>();
  return checkUsable(row, now);
}

/** Records use at most once a minute, so reads don't turn into a write per request. */
export async function touchToken(db: D1Database, id: string, now: number): Promise<void> {
  await db
    .prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
    .bind(now, id, now - 60_000)
    .run();
}

export interface NewToken {
  id: string;
  name: string;
  role: Role;
  teams: string[] | null;
  tokenHash: string;
  createdAt: number;
  expiresAt: number | null;
}

/** Inserts a token; returns false when the name is already taken. */
export async function insertToken(db: D1Database, t: NewToken): Promise<boolean> {
  const res = await db
    .prepare(
      `INSERT INTO api_tokens (id, name, role, teams, token_hash, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
    )
    .bind(t.id, t.name, t.role, t.teams === null ? null : JSON.stringify(t.teams), t.tokenHash, t.createdAt, t.expiresAt)
    .run();
  return res.meta.changes === 1;
}

/** Every token, newest first (hashes are never returned). */
export async function listTokens(db: D1Database): Promise<TokenRecord[]> {
  const { results } = await db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t ORDER BY t.created_at DESC`).all<TokenRow>();
  return results.map(toRecord);
}

/** Revokes by id or name, and ends its sessions; returns whether a live token was revoked. Idempotent. */
export async function revokeToken(db: D1Database, idOrName: string, now: number): Promise<boolean> {
  const [res] = await db.batch([
    db.prepare("UPDATE api_tokens SET revoked_at = ?1 WHERE (id = ?2 OR name = ?2) AND revoked_at IS NULL").bind(now, idOrName),
    db
      .prepare("UPDATE sessions SET revoked_at = ?1 WHERE revoked_at IS NULL AND token_id IN (SELECT id FROM api_tokens WHERE id = ?2 OR name = ?2)")
      .bind(now, idOrName),
  ]);
  return (res?.meta.changes ?? 0) > 0;
}

/** Stores a new session for a token. */
export async function insertSession(db: D1Database, s: { idHash: string; tokenId: string; createdAt: number; expiresAt: number }): Promise<void> {
  await db
    .prepare("INSERT INTO sessions (id_hash, token_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
    .bind(s.idHash, s.tokenId, s.createdAt, s.expiresAt)
    .run();
}

/** Resolves a session to its token; the session and the token must both still be live. */
export async function findSessionToken(db: D1Database, idHash: string, now: number): Promise<CredentialResult> {
  const row = await db
    .prepare(
      `SELECT ${TOKEN_COLUMNS}, s.expires_at AS s_expires, s.revoked_at AS s_revoked
       FROM sessions s JOIN api_tokens t ON t.id = s.token_id WHERE s.id_hash = ?`,
    )
    .bind(idHash)
    .first<TokenRow & { s_expires: number; s_revoked: number | null }>();
  if (!row) return { ok: false, error: "unknown" };
  if (row.s_revoked !== null) return { ok: false, error: "revoked" };
  if (row.s_expires <= now) return { ok: false, error: "expired" };
  return checkUsable(row, now);
}

/** Ends a session (logout). Idempotent. */
export async function revokeSession(db: D1Database, idHash: string, now: number): Promise<void> {
  await db.prepare("UPDATE sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL").bind(now, idHash).run();
}
