// Overview: open violations by rule and rep, weekly trend, stages where discipline breaks most, by team.
import type { Context } from "hono";
import { loadDisplayNames, nameOf } from "../../store/display-names";
import { getSummary } from "../../store/summary-query";
import { parseQuery, resolveWindow, SummaryQuerySchema } from "../api/query-schemas";
import { loadAdoption } from "../api/review";
import { resolveTeamScope, type AuthEnv } from "../auth";
import { AdoptionCard } from "./adoption-card";
import { formatCount, formatDate, formatDuration, formatShare, toQueryString } from "./format";
import { BarCell, EmptyState, Layout } from "./layout";
import { NativeDriftCard } from "./native-drift-card";

export async function overviewPage(c: Context<AuthEnv>): Promise<Response> {
  const principal = c.get("principal");
  const q = parseQuery(SummaryQuerySchema, c.req.url);
  const window = resolveWindow(q, Date.now());
  const teams = resolveTeamScope(principal, q.team);
  const s = await getSummary(c.env.DB, { ...window, teams, ownerId: q.owner, policyId: q.policy, ruleId: q.rule });
  const names = await loadDisplayNames(c.env.DB, { owners: s.byOwner.map((o) => o.ownerId), teams: s.byTeam.map((t) => t.teamId), stages: s.byStage.map((x) => x.stage) });
  const adoption = await loadAdoption(c, { team: q.team, weeks: 8 });
  const fromDate = formatDate(s.window.from);
  const toDate = formatDate(new Date(window.to - 1).toISOString());
  const listLink = (extra: Record<string, string | null>) =>
    `/dashboard/violations${toQueryString({ team: q.team, from: fromDate, to: toDate, ...extra })}`;
  const openRules = s.byRule.filter((r) => r.open > 0).sort((a, b) => b.open - a.open);
  const openOwners = s.byOwner.filter((r) => r.open > 0).sort((a, b) => b.open - a.open).slice(0, 15);
  const stages = [...s.byStage].sort((a, b) => b.total - a.total).slice(0, 10);
  const maxRule = Math.max(0, ...openRules.map((r) => r.open));
  const maxOwner = Math.max(0, ...openOwners.map((r) => r.open));
  const maxStage = Math.max(0, ...stages.map((r) => r.total));
  const teamOptions = principal.teams ?? s.byTeam.map((t) => t.teamId).filter((t): t is string => t !== null);
  return c.html(
    <Layout title="Overview" principal={principal} active="overview">
      <h1>Pipeline discipline</h1>
      <p class="sub">
        {fromDate} to {toDate}
        {q.team ? ` · team ${nameOf(names.teams, q.team)}` : principal.teams ? " · your teams" : " · all teams"}
      </p>
      <form class="filters" method="get" action="/dashboard">
        <label>
          Team
          <select name="team">
            <option value="">{principal.teams ? "All my teams" : "All teams"}</option>
            {teamOptions.map((t) => (
              <option value={t} selected={q.team === t}>{nameOf(names.teams, t)}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" value={fromDate} />
        </label>
        <label>
          To
          <input type="date" name="to" value={toDate} />
        </label>
        <button class="primary" type="submit">Apply</button>
      </form>
      <div class="kpis">
        <div class="card kpi">
          <div class="label">Open violations</div>
          <div class="value">{formatCount(s.totals.open)}</div>
          <div class="hint"><a href={listLink({ status: "open" })}>See them</a></div>
        </div>
        <div class="card kpi">
          <div class="label">Resolved</div>
          <div class="value">{formatCount(s.totals.resolved)}</div>
          <div class="hint">of {formatCount(s.totals.total)} in the window</div>
        </div>
        <div class="card kpi">
          <div class="label">Median time to fix</div>
          <div class="value">{formatDuration(s.medianTimeToFixMs)}</div>
          <div class="hint">resolved violations</div>
        </div>
        <div class="card kpi">
          <div class="label">Compliant stage moves</div>
          <div class="value">{formatShare(s.stageChanges.compliantShare)}</div>
          <div class="hint">{formatCount(s.stageChanges.compliant)} of {formatCount(s.stageChanges.total)}; {formatCount(s.stageChanges.creations)} new deals apart</div>
        </div>
      </div>
      <AdoptionCard health={adoption.health} names={adoption.names} />
      <NativeDriftCard db={c.env.DB} />
      <div class="card" style="margin-bottom:16px">
        <h2>Weekly trend</h2>
        {s.byWeek.length === 0 ? (
          <EmptyState title="No violations in this window">Stage changes that break a rule will show up here week by week.</EmptyState>
        ) : (
          <table data-chart="bars" data-series="1,2" data-chart-title="Violations per week">
            <thead>
              <tr><th>Week of</th><th class="num">Still open</th><th class="num">Resolved</th><th class="num">Total</th></tr>
            </thead>
            <tbody>
              {s.byWeek.map((w) => (
                <tr><td>{w.week}</td><td class="num">{w.open}</td><td class="num">{w.resolved}</td><td class="num">{w.total}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div class="grid">
        <div class="card">
          <h2>Open violations by rule</h2>
          {openRules.length === 0 ? (
            <EmptyState title="Nothing open">Every violation in this window has been fixed.</EmptyState>
          ) : (
            <table>
              <thead><tr><th>Rule</th><th>Policy</th><th class="num">Open</th></tr></thead>
              <tbody>
                {openRules.map((r) => (
                  <tr>
                    <td><a href={listLink({ status: "open", policy: r.policyId, rule: r.ruleId })}>{r.ruleId}</a></td>
                    <td><a href={`/dashboard/policies/${encodeURIComponent(r.policyId)}`}>{r.policyId}</a></td>
                    <BarCell value={r.open} max={maxRule} />
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div class="card">
          <h2>Open violations by rep</h2>
          {openOwners.length === 0 ? (
            <EmptyState title="Nothing open">No rep has an open violation in this window.</EmptyState>
          ) : (
            <table>
              <thead><tr><th>Rep</th><th class="num">Open</th><th class="num">Resolved</th></tr></thead>
              <tbody>
                {openOwners.map((o) => (
                  <tr>
                    <td>{o.ownerId ? <a href={`/dashboard/reps/${encodeURIComponent(o.ownerId)}`}>{nameOf(names.owners, o.ownerId)}</a> : "No owner"}</td>
                    <BarCell value={o.open} max={maxOwner} />
                    <td class="num">{o.resolved}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
      <div class="grid">
        <div class="card">
          <h2>Where discipline breaks most</h2>
          {stages.length === 0 ? (
            <EmptyState title="No stage data yet" />
          ) : (
            <table>
              <thead><tr><th>Stage moved into</th><th class="num">Violations</th><th class="num">Open</th></tr></thead>
              <tbody>
                {stages.map((st) => (
                  <tr>
                    <td><a href={listLink({ stage: st.stage })}>{nameOf(names.stages, st.stage)}</a></td>
                    <BarCell value={st.total} max={maxStage} />
                    <td class="num">{st.open}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div class="card">
          <h2>By team</h2>
          {s.byTeam.length === 0 ? (
            <EmptyState title="No team data yet" />
          ) : (
            <table>
              <thead><tr><th>Team</th><th class="num">Open</th><th class="num">Resolved</th><th class="num">Total</th></tr></thead>
              <tbody>
                {s.byTeam.map((t) => (
                  <tr>
                    <td>{t.teamId ? <a href={`/dashboard${toQueryString({ team: t.teamId, from: fromDate, to: toDate })}`}>{nameOf(names.teams, t.teamId)}</a> : "No team"}</td>
                    <td class="num">{t.open}</td><td class="num">{t.resolved}</td><td class="num">{t.total}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </Layout>,
  );
}
