// Rep page for coaching: batting averages (stage-to-stage conversion), time in stage, compliance trend,
// close-date pushes, and the rep's open items linking to the HubSpot deals.
import type { Context } from "hono";
import { AppError } from "../../errors";
import { loadDisplayNames, nameOf } from "../../store/display-names";
import { getRepRecord } from "../../store/reps-query";
import { parseQuery, PathIdSchema, resolveWindow, WindowQuerySchema } from "../api/query-schemas";
import { checkRepAccess } from "../api/reports";
import type { AuthEnv } from "../auth";
import { buildDealUrl, describeMissing, formatCount, formatDate, formatDuration, formatShare, formatTime } from "./format";
import { Badge, EmptyState, Layout } from "./layout";

export async function repPage(c: Context<AuthEnv>): Promise<Response> {
  const id = PathIdSchema.safeParse(c.req.param("ownerId"));
  if (!id.success) throw new AppError("NOT_FOUND", "There is no rep with that id.");
  const principal = c.get("principal");
  const q = parseQuery(WindowQuerySchema, c.req.url);
  const window = resolveWindow(q, Date.now());
  const teamIds = await checkRepAccess(c.env.DB, principal, id.data);
  const r = await getRepRecord(c.env.DB, { ownerId: id.data, teams: principal.teams, ...window });
  const names = await loadDisplayNames(c.env.DB, { owners: [id.data], teams: teamIds, stages: r.stages.flatMap((s) => [s.stage, s.nextStage]) });
  const repName = nameOf(names.owners, id.data);
  // Close-date rows carry no portal id; every violation of the rep shares the one portal the Worker serves.
  const portalId = r.openViolations[0]?.portalId ?? Number(c.env.HUBSPOT_PORTAL_ID ?? 0);
  return c.html(
    <Layout title={repName} principal={principal}>
      <h1>{repName}</h1>
      <p class="sub">
        {teamIds.length ? `Team ${teamIds.map((t) => nameOf(names.teams, t)).join(", ")} · ` : ""}
        {formatDate(r.window.from)} to {formatDate(new Date(window.to - 1).toISOString())} ·{" "}
        <a href={`/dashboard/reps/${encodeURIComponent(id.data)}/coaching`}>Coaching: month by month against the team</a>
      </p>
      <div class="kpis">
        <div class="card kpi"><div class="label">Compliant stage moves</div><div class="value">{formatShare(r.stageChanges.complianceRate)}</div><div class="hint">{formatCount(r.stageChanges.compliant)} of {formatCount(r.stageChanges.total)}; {formatCount(r.stageChanges.creations)} new deals apart</div></div>
        <div class="card kpi"><div class="label">Open violations</div><div class="value">{formatCount(r.openViolations.length === 50 ? r.violations.open : r.openViolations.length)}</div><div class="hint">{formatCount(r.violations.total)} in the window</div></div>
        <div class="card kpi"><div class="label">Close dates pushed</div><div class="value">{formatCount(r.closeDatePushes.count)}</div><div class="hint">{formatCount(r.closeDatePushes.totalDaysPushed)} days over {formatCount(r.closeDatePushes.deals)} deals</div></div>
        <div class="card kpi"><div class="label">Deals won</div><div class="value">{formatCount(r.wonDeals)}</div><div class="hint">in the window</div></div>
      </div>
      <div class="grid">
        <div class="card">
          <h2>Batting average: stage to stage</h2>
          {r.stages.length === 0 ? (
            <EmptyState title="No stage changes in this window" />
          ) : (
            <table id="stages">
              <thead><tr><th>Stage</th><th class="num">Deals entered</th><th>Next stage</th><th class="num">Converted</th><th class="num">Median time in stage</th></tr></thead>
              <tbody>
                {r.stages.map((s) => (
                  <tr>
                    <td>{nameOf(names.stages, s.stage)}</td>
                    <td class="num">{formatCount(s.dealsEntered)}</td>
                    <td>{s.nextStage ? nameOf(names.stages, s.nextStage) : "—"}</td>
                    <td class="num">{formatShare(s.conversionToNext)}</td>
                    <td class="num">{formatDuration(s.medianTimeInStageMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div class="card">
          <h2>Trend</h2>
          <table data-chart="bars" data-series="1" data-chart-title="Violations per week">
            <thead><tr><th>Week of</th><th class="num">Violations</th><th class="num">Stage moves</th><th class="num">Compliant</th></tr></thead>
            <tbody>
              {r.trend.map((t) => (
                <tr><td>{t.week}</td><td class="num">{t.violations}</td><td class="num">{t.stageChanges}</td><td class="num" data-value={String(t.compliant)}>{t.stageChanges ? formatShare(t.compliant / t.stageChanges) : "—"}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <div class="card" style="margin-bottom:16px">
        <h2>Open items</h2>
        {r.openViolations.length === 0 ? (
          <EmptyState title="Nothing open">This rep has no open violations.</EmptyState>
        ) : (
          <table id="open-items">
            <thead><tr><th>Deal</th><th>Rule</th><th>What to fix</th><th>Since</th><th>Severity</th></tr></thead>
            <tbody>
              {r.openViolations.map((v) => (
                <tr>
                  <td><a href={buildDealUrl(c.env.HUBSPOT_PORTAL_UI_URL, v.portalId, v.dealId)} target="_blank" rel="noopener noreferrer">{v.dealName ?? `Deal ${v.dealId}`} ↗</a></td>
                  <td><a href={`/dashboard/violations/${encodeURIComponent(v.id)}`}>{v.ruleId}</a></td>
                  <td>{v.missing.length ? describeMissing(v.missing) : v.message}</td>
                  <td class="nowrap">{formatTime(v.occurredAt)}</td>
                  <td><Badge kind={v.severity}>{v.severity}</Badge></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div class="grid">
        <div class="card">
          <h2>By rule</h2>
          {r.byRule.length === 0 ? <EmptyState title="No violations in this window" /> : (
            <table>
              <thead><tr><th>Rule</th><th class="num">Open</th><th class="num">Resolved</th></tr></thead>
              <tbody>{r.byRule.map((x) => <tr><td>{x.ruleId}<div class="muted">{x.policyId}</div></td><td class="num">{x.open}</td><td class="num">{x.resolved}</td></tr>)}</tbody>
            </table>
          )}
        </div>
        <div class="card">
          <h2>Recent close-date pushes</h2>
          {r.closeDatePushes.recent.length === 0 ? <EmptyState title="No close date was pushed out" /> : (
            <table>
              <thead><tr><th>When</th><th>Deal</th><th class="num">Pushed by</th></tr></thead>
              <tbody>{r.closeDatePushes.recent.map((p) => <tr><td>{formatTime(p.occurredAt)}</td><td><a href={buildDealUrl(c.env.HUBSPOT_PORTAL_UI_URL, portalId, p.dealId)} target="_blank" rel="noopener noreferrer">{p.dealId} ↗</a></td><td class="num">{p.pushedDays ?? "?"} days</td></tr>)}</tbody>
            </table>
          )}
        </div>
      </div>
    </Layout>,
  );
}
