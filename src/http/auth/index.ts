// Access control for /api (Bearer token) and /dashboard (session cookie). Owns who the caller is and what
// team data they may see; never reads violations itself. 401 = no usable credential, 403 = not allowed.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Env } from "../../env";
import { AppError } from "../../errors";
import { findSessionToken, findTokenByHash, touchToken, type CredentialResult, type Role } from "../../store/tokens";
import { hashSecret } from "./secrets";

export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  /** null = every team. */
  teams: string[] | null;
}

export type AuthEnv = { Bindings: Env; Variables: { principal: Principal } };

export const SESSION_COOKIE = "dg_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const PROBLEM_TEXT = { unknown: "credential not recognised", expired: "credential expired", revoked: "credential revoked" } as const;

function toPrincipal(result: CredentialResult): Principal {
  if (!result.ok) throw new AppError("UNAUTHORIZED", PROBLEM_TEXT[result.error]);
  const t = result.value;
  return { tokenId: t.id, name: t.name, role: t.role, teams: t.teams };
}

/** Resolves `Authorization: Bearer <token>`; throws AppError UNAUTHORIZED when missing or unusable. */
export async function authenticateBearer(c: Context<AuthEnv>, now: number): Promise<Principal> {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new AppError("UNAUTHORIZED", "missing bearer token");
  const result = await findTokenByHash(c.env.DB, await hashSecret(match[1]), now);
  const principal = toPrincipal(result);
  await touchToken(c.env.DB, principal.tokenId, now);
  return principal;
}

/** Resolves the session cookie; throws AppError UNAUTHORIZED when missing, unknown, expired or revoked. */
export async function authenticateSession(c: Context<AuthEnv>, now: number): Promise<Principal> {
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie) throw new AppError("UNAUTHORIZED", "not signed in");
  return toPrincipal(await findSessionToken(c.env.DB, await hashSecret(cookie), now));
}

/** Middleware: every /api route needs a live bearer token. */
export function requireBearer(): MiddlewareHandler<AuthEnv> {
  return async function bearerAuth(c, next) {
    c.set("principal", await authenticateBearer(c, Date.now()));
    await next();
  };
}

/** Middleware: the route needs at least `role` (admin ⊃ manager). */
export function requireRole(role: Role): MiddlewareHandler<AuthEnv> {
  return async function roleCheck(c, next) {
    assertRole(c.get("principal"), role);
    await next();
  };
}

export function assertRole(principal: Principal, role: Role): void {
  if (role === "admin" && principal.role !== "admin") throw new AppError("FORBIDDEN", "this needs an admin token");
}

/** Whether the principal may see data of `teamId` (null team = only unrestricted principals). */
export function canSeeTeam(principal: Principal, teamId: string | null): boolean {
  if (principal.teams === null) return true;
  return teamId !== null && principal.teams.includes(teamId);
}

/**
 * The team filter a query must apply: the requested team (checked against the principal), else the
 * principal's own teams, else null (= all). Throws FORBIDDEN for a team outside the principal's scope.
 */
export function resolveTeamScope(principal: Principal, requestedTeam: string | undefined): string[] | null {
  if (requestedTeam !== undefined) {
    if (!canSeeTeam(principal, requestedTeam)) throw new AppError("FORBIDDEN", "that team is outside this token's teams");
    return [requestedTeam];
  }
  return principal.teams;
}
