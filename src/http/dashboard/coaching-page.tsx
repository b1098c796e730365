// Rep coaching (/dashboard/reps/{ownerId}/coaching?months=6): each stage's conversion and time in stage for the rep
// next to the team, month by month, the change since last month highlighted; compliance over time; open items.
import type { Context } from "hono";
import { withSnapshotLabels } from "../api/policy-catalog";
import { nameOf, type DisplayNames } from "../../store/display-names";
import type { RepTrend, StageTrend } from "../../store/trend-query";
import { listViolations } from "../../store/violations-query";
import { loadTrend } from "../api/review";
import type { AuthEnv } from "../auth";
import { buildDealUrl, describeMissingWith, formatDuration, formatShare, formatTime } from "./format";
import { EmptyState, Layout } from "./layout";
import { DealLink, Delta } from "./review-parts";

const MONTH_CHOICES = [3, 6, 12, 24];
const monthName = (m: string) => new Date(`${m}-01T00:00:00Z`).toLocaleString("en-US", { month: "short", year: "numeric", timeZone: "UTC" });
// "2026 Jul": the chart script labels its bars with the text after the first five characters.
const chartMonth = (m: string) => `${m.slice(0, 4)} ${new Date(`${m}-01T00:00:00Z`).toLocaleString("en-US", { month: "short", timeZone: "UTC" })}`;

function StageCard(props: { s: StageTrend; names: DisplayNames; change: { from: string; to: string } | null }) {
  const { s } = props;
  const name = nameOf(props.names.stages, s.stage);
  return (
    <div class="card stage-trend" data-stage={s.stage}>
      <h2>{name}</h2>
      {props.change ? (
        <p class="muted">
          {monthName(props.change.to)} against {monthName(props.change.from)}: conversion
          {s.change.conversion === null ? " —" : <Delta now={s.change.conversion} before={0} higherIsBetter={true} kind="share" />}, time in stage
          {s.change.medianTimeInStageMs === null ? " —" : <Delta now={s.change.medianTimeInStageMs} before={0} higherIsBetter={false} kind="duration" />}
        </p>
      ) : null}
      <div class="scroll">
        <table class="compact">
          <thead><tr><th>Month</th><th class="num">Converted</th><th class="num">Team</th><th class="num">Time in stage</th><th class="num">Team</th></tr></thead>
          <tbody>
            {s.months.map((m) => (
              <tr class={props.change?.to === m.month ? "changed" : ""}>
                <td class="nowrap">{monthName(m.month)}</td>
                <td class="num">{formatShare(m.rep.conversion)} <span class="muted">({m.rep.converted}/{m.rep.entered})</span></td>
                <td class="num">{formatShare(m.team?.conversion ?? null)}</td>
                <td class="num">{formatDuration(m.rep.medianTimeInStageMs)}</td>
                <td class="num">{formatDuration(m.team?.medianTimeInStageMs ?? null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function ComplianceTable(props: { trend: RepTrend }) {
  const pct = (v: number | null) => (v === null ? "" : String(Math.round(v * 1000) / 10));
  return (
    <div class="scroll">
      <table id="coaching-compliance" data-chart="bars" data-series="1" data-chart-title="The rep's compliant stage moves per month (%)">
        <thead><tr><th>Month</th><th class="num">Compliant (rep)</th><th class="num">Compliant (team)</th><th class="num">Complete data (rep)</th><th class="num">Complete data (team)</th><th class="num">Violations</th></tr></thead>
        <tbody>
          {props.trend.compliance.map((m) => (
            <tr>
              <td class="nowrap">{chartMonth(m.month)}{m.partial ? " (so far)" : ""}</td>
              <td class="num" data-value={pct(m.rep.complianceRate)}>{formatShare(m.rep.complianceRate)}</td>
              <td class="num" data-value={pct(m.team?.complianceRate ?? null)}>{formatShare(m.team?.complianceRate ?? null)}</td>
              <td class="num">{formatShare(m.rep.completeness)}</td>
              <td class="num">{formatShare(m.team?.completeness ?? null)}</td>
              <td class="num">{m.rep.violations}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export async function coachingPage(c: Context<AuthEnv>): Promise<Response> {
  const principal = c.get("principal");
  const { trend, names } = await loadTrend(c, c.req.param("ownerId") ?? "");
  const open = await listViolations(c.env.DB, { ownerId: trend.ownerId, teams: principal.teams, status: "open" }, { sort: "desc", limit: 50 });
  const repName = nameOf(names.owners, trend.ownerId);
  const months = trend.months.length;
  // Closed stages convert to nothing and nobody waits in them: coaching is about the open ones.
  const stages = trend.stages.filter((s) => !s.closed && s.months.some((m) => m.rep.entered > 0 || m.rep.medianTimeInStageMs !== null));
  return c.html(
    <Layout title={`${repName} · coaching`} principal={principal}>
      <h1>{repName} · coaching</h1>
      <p class="sub">
        {trend.teamId ? `Compared with team ${nameOf(names.teams, trend.teamId)} · ` : ""}last {months} months ·{" "}
        <a href={`/dashboard/reps/${encodeURIComponent(trend.ownerId)}`}>record and close-date pushes</a>
      </p>
      <form class="filters" method="get">
        <label>
          Months
          <select name="months">
            {MONTH_CHOICES.map((m) => <option value={String(m)} selected={m === months}>{m}</option>)}
          </select>
        </label>
        <button class="primary" type="submit">Show</button>
      </form>
      <div class="card" style="margin-bottom:16px">
        <h2>Compliance and complete data over time</h2>
        <ComplianceTable trend={trend} />
      </div>
      <h2>Stage by stage: converted and time in stage, rep next to team</h2>
      {stages.length === 0 ? <EmptyState title="No stage changes in these months" /> : <div class="grid" id="coaching-stages">{stages.map((s) => <StageCard s={s} names={names} change={trend.change} />)}</div>}
      <div class="card" style="margin-bottom:16px">
        <h2>Open items</h2>
        {open.items.length === 0 ? (
          <EmptyState title="Nothing open">{repName} has nothing to fix right now.</EmptyState>
        ) : (
          <div class="scroll">
            <table id="coaching-open">
              <thead><tr><th>Deal</th><th>What to fix</th><th>Since</th></tr></thead>
              <tbody>
                {open.items.map((v) => (
                  <tr>
                    <td><DealLink href={buildDealUrl(c.env.HUBSPOT_PORTAL_UI_URL, v.portalId, v.dealId)} name={v.dealName} dealId={v.dealId} /></td>
                    <td><a href={`/dashboard/violations/${encodeURIComponent(v.id)}`}>{v.missing.length ? `Fill in ${describeMissingWith(withSnapshotLabels(names.properties), v.missing)}` : v.message}</a></td>
                    <td class="nowrap">{formatTime(v.occurredAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Layout>,
  );
}
