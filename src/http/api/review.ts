// GET /api/review (a team's weekly review), /api/reps/{ownerId}/trend (coaching), /api/adoption (adoption health).
// The load* functions are shared with the dashboard pages, so a page and its API answer never disagree.
import { Hono, type Context } from "hono";
import { readConfig } from "../../env";
import { AppError } from "../../errors";
import { getAdoptionHealth, type AdoptionHealth } from "../../store/adoption-query";
import { loadDisplayNames, type DisplayNames } from "../../store/display-names";
import { resolveNames } from "../../store/name-lookup";
import { getWeeklyReview, type WeeklyReview } from "../../store/review-query";
import { getRepTrend, type RepTrend } from "../../store/trend-query";
import { canSeeTeam, type AuthEnv } from "../auth";
import { buildDealUrl } from "../dashboard/format";
import { AdoptionQuerySchema, parseQuery, ReviewQuerySchema, TrendQuerySchema } from "./query-schemas";
import { checkRepAccess } from "./reports";

type Ctx = Context<AuthEnv>;

/** A team given by id or name → its id; 400 naming an unknown one, 403 outside the caller's teams. */
export async function resolveVisibleTeam(c: Ctx, value: string, field = "team"): Promise<string> {
  const found = await resolveNames(c.env.DB, { team: value.trim() });
  if (!found.ok || found.ids.team === undefined) {
    const why = found.ok || found.unresolved[0]?.matches === 0 ? "is not a known team id or name" : "matches more than one team; use its id";
    throw new AppError("INVALID_QUERY", `unknown team: ${value}`, [{ field, message: `${JSON.stringify(value)} ${why}` }]);
  }
  if (!canSeeTeam(c.get("principal"), found.ids.team)) throw new AppError("FORBIDDEN", "that team is outside this token's teams");
  return found.ids.team;
}

const record = (m: Map<string, string>) => Object.fromEntries(m);
const namesJson = (n: DisplayNames) => ({ owners: record(n.owners), teams: record(n.teams), stages: record(n.stages) });

export interface ReviewView {
  review: WeeklyReview;
  names: DisplayNames;
  dealUrl: (portalId: number, dealId: string) => string;
}

export async function loadReview(c: Ctx): Promise<ReviewView> {
  const q = parseQuery(ReviewQuerySchema, c.req.url);
  const teamId = await resolveVisibleTeam(c, q.team);
  const now = Date.now();
  const review = await getWeeklyReview(c.env.DB, { teamId, weekOf: q.week ?? now, now });
  const deals = [...review.moves.items, ...review.closeDateSlips.items, ...review.staleDeals.items];
  const names = await loadDisplayNames(c.env.DB, {
    owners: [...review.reps.map((r) => r.ownerId), ...deals.map((d) => d.ownerId), ...review.newViolations.items.map((v) => v.ownerId)],
    teams: [teamId],
    stages: [...review.moves.items.flatMap((m) => [m.fromStage, m.toStage]), ...review.staleDeals.items.map((s) => s.stage)],
  });
  return { review, names, dealUrl: (portalId, dealId) => buildDealUrl(c.env.HUBSPOT_PORTAL_UI_URL, portalId, dealId) };
}

export interface TrendView {
  trend: RepTrend;
  teamIds: string[];
  names: DisplayNames;
}

export async function loadTrend(c: Ctx, ownerParam: string): Promise<TrendView> {
  // An owner id or the rep's name ("Dev Garcia"): both are bound parameters, never SQL.
  const value = ownerParam.trim();
  const resolved = value.length > 0 && value.length <= 200 ? await resolveNames(c.env.DB, { owner: value }) : null;
  const ownerId = resolved?.ok === true ? resolved.ids.owner : undefined;
  if (ownerId === undefined) throw new AppError("NOT_FOUND", "no activity recorded for that owner");
  const found = { id: ownerId };
  const q = parseQuery(TrendQuerySchema, c.req.url);
  const principal = c.get("principal");
  const teamIds = await checkRepAccess(c.env.DB, principal, found.id);
  const teamId = teamIds.find((t) => canSeeTeam(principal, t)) ?? null;
  const trend = await getRepTrend(c.env.DB, { ownerId: found.id, teamId, teams: principal.teams, months: q.months, now: Date.now() });
  const names = await loadDisplayNames(c.env.DB, { owners: [found.id], teams: teamIds, stages: trend.stages.map((s) => s.stage) });
  return { trend, teamIds, names };
}

/** Adoption health for `q.team` (id or name) or every team the caller sees. */
export async function loadAdoption(c: Ctx, q: { team?: string; weeks: number }): Promise<{ health: AdoptionHealth; names: DisplayNames }> {
  const config = readConfig(c.env);
  if (!config.ok) throw new AppError("BAD_ENVIRONMENT", `configuration incomplete: ${config.problems.join("; ")}`);
  const teams = q.team !== undefined ? [await resolveVisibleTeam(c, q.team)] : c.get("principal").teams;
  const health = await getAdoptionHealth(c.env.DB, { teams, weeks: q.weeks, now: Date.now(), dropThresholdPoints: config.config.ADOPTION_DROP_POINTS });
  const names = await loadDisplayNames(c.env.DB, { teams: health.teams.map((t) => t.teamId) });
  return { health, names };
}

export function reviewRoutes(): Hono<AuthEnv> {
  const routes = new Hono<AuthEnv>();
  routes.get("/review", async (c) => {
    const { review, names, dealUrl } = await loadReview(c);
    const link = <T extends { portalId: number; dealId: string }>(x: { items: T[]; truncated: boolean }) => ({
      ...x,
      items: x.items.map((d) => ({ ...d, hubspotUrl: dealUrl(d.portalId, d.dealId) })),
    });
    return c.json({
      ...review,
      moves: link(review.moves),
      closeDateSlips: link(review.closeDateSlips),
      staleDeals: link(review.staleDeals),
      newViolations: link(review.newViolations),
      fixedViolations: link(review.fixedViolations),
      names: namesJson(names),
    });
  });
  routes.get("/reps/:ownerId/trend", async (c) => {
    const { trend, teamIds, names } = await loadTrend(c, c.req.param("ownerId"));
    return c.json({ ...trend, teamIds, names: namesJson(names) });
  });
  routes.get("/adoption", async (c) => {
    const { health, names } = await loadAdoption(c, parseQuery(AdoptionQuerySchema, c.req.url));
    return c.json({ ...health, names: namesJson(names) });
  });
  return routes;
}
