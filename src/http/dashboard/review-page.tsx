// The weekly pipeline review of one team (/dashboard/review?team=&week=): what moved, what slipped, what is stuck,
// what broke and got fixed, and each rep against last week and the team. Same data as GET /api/review.
import type { Context } from "hono";
import { nameOf } from "../../store/display-names";
import { listTeams } from "../../store/name-lookup";
import { loadReview } from "../api/review";
import type { AuthEnv } from "../auth";
import { formatShare, toQueryString } from "./format";
import { EmptyState, Layout } from "./layout";
import { Delta } from "./review-parts";
import { MovesTable, RepsTable, SlipsTable, StaleTable, ViolationsTable } from "./review-tables";

const DAY_MS = 86_400_000;
const day = (iso: string, offsetDays = 0) => new Date(Date.parse(iso) + offsetDays * DAY_MS).toISOString().slice(0, 10);

export async function reviewPage(c: Context<AuthEnv>): Promise<Response> {
  const principal = c.get("principal");
  const url = new URL(c.req.url);
  const teams = (await listTeams(c.env.DB)).filter((t) => principal.teams === null || principal.teams.includes(t.id));
  const choices = principal.teams && teams.length < principal.teams.length ? [...teams, ...principal.teams.filter((id) => !teams.some((t) => t.id === id)).map((id) => ({ id, name: id }))] : teams;
  if (!url.searchParams.get("team")) {
    const first = choices[0];
    if (!first) {
      return c.html(
        <Layout title="Weekly review" principal={principal} active="review">
          <h1>Weekly review</h1>
          <EmptyState title="No teams yet">Teams appear once the engine has read the portal's owners and teams.</EmptyState>
        </Layout>,
      );
    }
    url.searchParams.set("team", first.id);
    return c.redirect(`/dashboard/review${url.search}`, 302);
  }
  const { review: r, names, dealUrl } = await loadReview(c);
  const teamName = nameOf(names.teams, r.teamId);
  return c.html(
    <Layout title={`Weekly review · ${teamName}`} principal={principal} active="review">
      <h1>Weekly review · {teamName}</h1>
      <p class="sub" id="review-week">
        Week of {day(r.week.start)} to {day(r.week.end, -1)}
        {r.week.partial ? ` · this week so far (as of ${r.week.asOf.slice(0, 16).replace("T", " ")} UTC)` : ""}
      </p>
      <ReviewControls r={r} choices={choices} />
      <div class="card" style="margin-bottom:16px">
        <h2>Reps: this week against last week and the team</h2>
        {r.reps.length === 0 ? <EmptyState title="No reps in this team yet" /> : <RepsTable reps={r.reps} team={r.team} names={names} />}
      </div>
      <div class="card" style="margin-bottom:16px">
        <h2>Stage moves</h2>
        <MovesTable moves={r.moves} names={names} dealUrl={dealUrl} />
      </div>
      <div class="grid">
        <div class="card">
          <h2>Close dates that slipped</h2>
          <SlipsTable slips={r.closeDateSlips} names={names} dealUrl={dealUrl} />
        </div>
        <div class="card">
          <h2>Deals sitting longer than usual</h2>
          <p class="muted">Days in their stage above the team's median for that stage (last 180 days).</p>
          <StaleTable stale={r.staleDeals} names={names} dealUrl={dealUrl} />
        </div>
      </div>
      <div class="grid">
        <div class="card">
          <h2>New violations</h2>
          <ViolationsTable id="review-new" list={r.newViolations} names={names} dealUrl={dealUrl} empty="No new violations this week" when="occurred" />
        </div>
        <div class="card">
          <h2>Fixed this week</h2>
          <ViolationsTable id="review-fixed" list={r.fixedViolations} names={names} dealUrl={dealUrl} empty="Nothing was fixed this week" when="resolved" />
        </div>
      </div>
    </Layout>,
  );
}

type Review = Awaited<ReturnType<typeof loadReview>>["review"];

/** The team and week pickers, previous/next week, and the week's headline figures against last week. */
function ReviewControls(props: { r: Review; choices: Array<{ id: string; name: string }> }) {
  const { r, choices } = props;
  const t = r.team.thisWeek;
  const l = r.team.lastWeek;
  const link = (week: string) => `/dashboard/review${toQueryString({ team: r.teamId, week })}`;
  return (
    <>
        <form class="filters" method="get" action="/dashboard/review">
          <label>
            Team
            <select name="team">
              {choices.map((x) => (
                <option value={x.id} selected={x.id === r.teamId}>{x.name}</option>
              ))}
            </select>
          </label>
          <label>
            Any day of the week
            <input type="date" name="week" value={day(r.week.start)} />
          </label>
          <button class="primary" type="submit">Show</button>
        </form>
        <div class="week-nav">
          <a href={link(day(r.week.start, -7))}>← Previous week</a>
          {r.week.partial ? null : <a href={link(day(r.week.start, 7))}>Next week →</a>}
          <a href={`/api/review${toQueryString({ team: r.teamId, week: day(r.week.start) })}`} class="muted">as JSON</a>
        </div>
        <div class="kpis" id="review-kpis">
          <div class="card kpi"><div class="label">Advanced</div><div class="value">{r.moveCounts.advanced}</div><div class="hint">moved back {r.moveCounts["moved-back"]}</div></div>
          <div class="card kpi"><div class="label">Won</div><div class="value">{r.moveCounts.won}</div><div class="hint">lost {r.moveCounts.lost}</div></div>
          <div class="card kpi"><div class="label">Compliant stage moves</div><div class="value">{formatShare(t.complianceRate)}<Delta now={t.complianceRate} before={l.complianceRate} higherIsBetter={true} kind="share" /></div><div class="hint">{t.compliantMoves} of {t.moves}; last week {formatShare(l.complianceRate)}</div></div>
          <div class="card kpi"><div class="label">Violations</div><div class="value">{t.newViolations}<Delta now={t.newViolations} before={l.newViolations} higherIsBetter={false} /></div><div class="hint">new this week · {t.fixedViolations} fixed</div></div>
        </div>
    </>
  );
}
