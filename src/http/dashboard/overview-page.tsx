// Overview: open violations by rule and rep, weekly trend, stages where discipline breaks most, by team.
import type { Context } from "hono";
import { loadDisplayNames, loadFilterOptions, nameOf } from "../../store/display-names";
import { getSummary } from "../../store/summary-query";
import { listCatalog, readModeOverride } from "../api/policy-catalog";
import { parseQuery, resolveWindow, SummaryQuerySchema } from "../api/query-schemas";
import { resolveFilterNames } from "../api/resolve-filters";
import { loadAdoption } from "../api/review";
import { resolveTeamScope, type AuthEnv } from "../auth";
import { AdoptionCard } from "./adoption-card";
import { formatDate, toQueryString } from "./format";
import { Layout } from "./layout";
import { NativeDriftCard } from "./native-drift-card";
import { fillWeeks } from "./week-series";
import { OverviewFilters, OverviewKpis, OwnersTable, RulesTable, StagesTable, TeamsTable, WeeklyTrend } from "./overview-sections";

export async function overviewPage(c: Context<AuthEnv>): Promise<Response> {
  const principal = c.get("principal");
  const catalog = listCatalog(readModeOverride(c.env.POLICY_MODE_OVERRIDE));
  const q = await resolveFilterNames(c.env.DB, parseQuery(SummaryQuerySchema, c.req.url), catalog);
  const now = Date.now();
  const window = resolveWindow(q, now);
  const teams = resolveTeamScope(principal, q.team);
  const s = await getSummary(c.env.DB, { ...window, teams, ownerId: q.owner, policyId: q.policy, ruleId: q.rule });
  const [names, options, adoption] = await Promise.all([
    loadDisplayNames(c.env.DB, { owners: [...s.byOwner.map((o) => o.ownerId), q.owner ?? null], teams: [...s.byTeam.map((t) => t.teamId), q.team ?? null], stages: s.byStage.map((x) => x.stage) }),
    loadFilterOptions(c.env.DB, principal.teams),
    loadAdoption(c, { team: q.team, weeks: 8 }),
  ]);
  const from = formatDate(s.window.from);
  const to = formatDate(new Date(window.to - 1).toISOString());
  const listLink = (extra: Record<string, string | null>) => `/dashboard/violations${toQueryString({ team: q.team, owner: q.owner, policy: q.policy, from, to, ...extra })}`;
  return c.html(
    <Layout title="Overview" principal={principal} active="overview">
      <h1>Pipeline discipline</h1>
      <p class="sub">
        {from} to {to}
        {q.team ? ` · team ${nameOf(names.teams, q.team)}` : principal.teams ? " · your teams" : " · all teams"}
      </p>
      <OverviewFilters q={q} options={options} catalog={catalog} names={names} allLabel={principal.teams ? "All my teams" : "All teams"} from={from} to={to} />
      <OverviewKpis s={s} listLink={listLink} />
      <AdoptionCard health={adoption.health} names={adoption.names} />
      <NativeDriftCard db={c.env.DB} />
      <WeeklyTrend weeks={fillWeeks(s.byWeek, window, (week) => ({ week, open: 0, resolved: 0, total: 0 }))} now={now} />
      <div class="grid">
        <RulesTable rules={s.byRule.filter((r) => r.open > 0).sort((a, b) => b.open - a.open)} listLink={listLink} catalog={catalog} />
        <OwnersTable owners={s.byOwner.filter((r) => r.open > 0).sort((a, b) => b.open - a.open).slice(0, 15)} names={names} />
      </div>
      <div class="grid">
        <StagesTable stages={[...s.byStage].sort((a, b) => b.total - a.total).slice(0, 10)} names={names} listLink={listLink} />
        <TeamsTable teams={s.byTeam} names={names} from={from} to={to} />
      </div>
    </Layout>,
  );
}
