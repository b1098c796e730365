// Rep page for coaching: batting averages (stage-to-stage conversion), time in stage, compliance trend,
// close-date pushes, and the rep's open items linking to the HubSpot deals.
import type { Context } from "hono";
import { AppError } from "../../errors";
import { loadDisplayNames, nameOf } from "../../store/display-names";
import { getRepRecord } from "../../store/reps-query";
import { parseQuery, PathIdSchema, resolveWindow, WindowQuerySchema } from "../api/query-schemas";
import { listCatalog, readModeOverride, ruleLabels, withSnapshotLabels } from "../api/policy-catalog";
import { checkRepAccess } from "../api/reports";
import type { AuthEnv } from "../auth";
import { buildDealUrl, formatDate } from "./format";
import { Layout } from "./layout";
import { CloseDatePushes, OpenItems, RepKpis, RepRules, RepTrend, StageConversion } from "./rep-sections";

export async function repPage(c: Context<AuthEnv>): Promise<Response> {
  const id = PathIdSchema.safeParse(c.req.param("ownerId"));
  if (!id.success) throw new AppError("NOT_FOUND", "There is no rep with that id.");
  const principal = c.get("principal");
  const q = parseQuery(WindowQuerySchema, c.req.url);
  const now = Date.now();
  const window = resolveWindow(q, now);
  const teamIds = await checkRepAccess(c.env.DB, principal, id.data);
  const r = await getRepRecord(c.env.DB, { ownerId: id.data, teams: principal.teams, ...window });
  const names = await loadDisplayNames(c.env.DB, { owners: [id.data], teams: teamIds, stages: r.stages.flatMap((s) => [s.stage, s.nextStage]), deals: r.closeDatePushes.recent.map((p) => p.dealId), users: r.openViolations.map((v) => v.actorUserId) });
  const rule = ruleLabels(listCatalog(readModeOverride(c.env.POLICY_MODE_OVERRIDE)));
  const labels = withSnapshotLabels(names.properties);
  const repName = nameOf(names.owners, id.data);
  // Close-date rows carry no portal id; every violation of the rep shares the one portal the Worker serves.
  const portalId = r.openViolations[0]?.portalId ?? Number(c.env.HUBSPOT_PORTAL_ID ?? 0);
  const dealLink = (portal: number, dealId: string) => buildDealUrl(c.env.HUBSPOT_PORTAL_UI_URL, portal, dealId);
  return c.html(
    <Layout title={repName} principal={principal}>
      <h1>{repName}</h1>
      <p class="sub">
        {teamIds.length ? `Team ${teamIds.map((t) => nameOf(names.teams, t)).join(", ")} · ` : ""}
        {formatDate(r.window.from)} to {formatDate(new Date(window.to - 1).toISOString())} ·{" "}
        <a href={`/dashboard/reps/${encodeURIComponent(id.data)}/coaching`}>Coaching: month by month against the team</a>
      </p>
      <RepKpis r={r} />
      <div class="grid">
        <StageConversion stages={r.stages} names={names} />
        <RepTrend trend={r.trend} now={now} />
      </div>
      <OpenItems items={r.openViolations} dealLink={dealLink} rule={rule} labels={labels} names={names} />
      <div class="grid">
        <RepRules rules={r.byRule} rule={rule} />
        <CloseDatePushes pushes={r.closeDatePushes.recent} portalId={portalId} dealLink={dealLink} deals={names.deals} />
      </div>
    </Layout>,
  );
}
