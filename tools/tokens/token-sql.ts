// Pure builders for the token CLI: validate arguments and turn them into SQL for `wrangler d1 execute`.
// Values are validated first and then quoted as SQL string literals (wrangler's --command takes no parameters).
import { z } from "zod";

export const CreateArgsSchema = z.object({
  name: z.string().regex(/^[\w.@-]{1,64}$/, "--name: 1–64 letters, digits, . @ _ -"),
  role: z.enum(["admin", "manager"], { error: "--role must be admin or manager" }),
  teams: z.array(z.string().regex(/^[\w.:-]{1,64}$/, "--teams: comma-separated team ids")).min(1).nullable(),
  expiresAt: z.number().int().positive().nullable(),
});
export type CreateArgs = z.infer<typeof CreateArgsSchema>;

/** SQL string literal: single quotes doubled. Only ever given validated values. */
export function quoteSql(value: string | number | null): string {
  if (value === null) return "NULL";
  if (typeof value === "number") return String(value);
  return `'${value.replace(/'/g, "''")}'`;
}

export function buildInsertTokenSql(t: CreateArgs & { id: string; tokenHash: string; createdAt: number }): string {
  return (
    "INSERT INTO api_tokens (id, name, role, teams, token_hash, created_at, expires_at) VALUES (" +
    [t.id, t.name, t.role, t.teams === null ? null : JSON.stringify(t.teams), t.tokenHash, t.createdAt, t.expiresAt].map(quoteSql).join(", ") +
    ");"
  );
}

export const LIST_TOKENS_SQL =
  "SELECT id, name, role, teams, created_at, expires_at, revoked_at, last_used_at FROM api_tokens ORDER BY created_at DESC;";

export function buildRevokeSql(idOrName: string, now: number): string {
  const key = quoteSql(idOrName);
  return (
    `UPDATE sessions SET revoked_at = ${now} WHERE revoked_at IS NULL AND token_id IN (SELECT id FROM api_tokens WHERE id = ${key} OR name = ${key}); ` +
    `UPDATE api_tokens SET revoked_at = ${now} WHERE (id = ${key} OR name = ${key}) AND revoked_at IS NULL;`
  );
}

/** "2027-01-01" (its start, UTC) or a full ISO datetime → epoch ms; null if unparseable. */
export function parseExpiry(text: string): number | null {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
