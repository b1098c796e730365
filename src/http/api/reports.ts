// GET /api/summary, /api/reps/{ownerId}, /api/policies/{policyId}: aggregates, always within the caller's teams.
import { Hono } from "hono";
import { AppError } from "../../errors";
import { getPolicyStats } from "../../store/policy-query";
import { listPolicyVersions } from "../../store/policy-versions";
import { findRepTeams, getRepRecord } from "../../store/reps-query";
import { getSummary } from "../../store/summary-query";
import { canSeeTeam, resolveTeamScope, type AuthEnv, type Principal } from "../auth";
import { HISTORY_LIMIT, listCatalog, readModeOverride } from "./policy-catalog";
import { parseQuery, PathIdSchema, resolveWindow, SummaryQuerySchema, WindowQuerySchema } from "./query-schemas";
import { resolveFilterNames } from "./resolve-filters";
import { nameSummary } from "./with-names";

function parsePathId(value: string, field: string): string {
  const parsed = PathIdSchema.safeParse(value);
  if (!parsed.success) throw new AppError("INVALID_QUERY", `invalid path parameter: ${field}`, [{ field, message: parsed.error.issues[0]?.message ?? "invalid" }]);
  return parsed.data;
}

/** 404 for an unknown rep, 403 when none of the rep's teams is visible to the caller; returns the rep's teams. */
export async function checkRepAccess(db: D1Database, principal: Principal, ownerId: string): Promise<string[]> {
  const teams = await findRepTeams(db, ownerId);
  if (teams === null) throw new AppError("NOT_FOUND", "no activity recorded for that owner");
  if (principal.teams !== null && !teams.some((t) => canSeeTeam(principal, t))) {
    throw new AppError("FORBIDDEN", "that rep belongs to a team outside this token's teams");
  }
  return teams;
}

export function reportRoutes(): Hono<AuthEnv> {
  const routes = new Hono<AuthEnv>();
  routes.get("/summary", async (c) => {
    const catalog = listCatalog(readModeOverride(c.env.POLICY_MODE_OVERRIDE));
    const q = await resolveFilterNames(c.env.DB, parseQuery(SummaryQuerySchema, c.req.url), catalog);
    const window = resolveWindow(q, Date.now());
    const teams = resolveTeamScope(c.get("principal"), q.team);
    const summary = await getSummary(c.env.DB, { ...window, teams, ownerId: q.owner, policyId: q.policy, ruleId: q.rule });
    return c.json(await nameSummary(c.env.DB, summary, catalog));
  });
  routes.get("/reps/:ownerId", async (c) => {
    const ownerId = parsePathId(c.req.param("ownerId"), "ownerId");
    const q = parseQuery(WindowQuerySchema, c.req.url);
    const window = resolveWindow(q, Date.now());
    const principal = c.get("principal");
    const teamIds = await checkRepAccess(c.env.DB, principal, ownerId);
    const record = await getRepRecord(c.env.DB, { ownerId, teams: principal.teams, ...window });
    return c.json({ ...record, teamIds });
  });
  routes.get("/policies/:policyId", async (c) => {
    const policyId = parsePathId(c.req.param("policyId"), "policyId");
    const q = parseQuery(WindowQuerySchema, c.req.url);
    const window = resolveWindow(q, Date.now());
    const [stats, history] = await Promise.all([
      getPolicyStats(c.env.DB, { policyId, teams: c.get("principal").teams, ...window }),
      listPolicyVersions(c.env.DB, { policyId, limit: HISTORY_LIMIT }),
    ]);
    return c.json({ ...stats, history });
  });
  return routes;
}
