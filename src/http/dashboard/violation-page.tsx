// One violation in plain words: what happened, which rule said so and why (the trace), what was done about it.
import type { Context } from "hono";
import { AppError } from "../../errors";
import { loadDisplayNames, nameOf } from "../../store/display-names";
import { getViolation } from "../../store/violations-query";
import { PathIdSchema } from "../api/query-schemas";
import { canSeeTeam, type AuthEnv } from "../auth";
import { buildDealUrl, describeMissing, formatDuration, formatTime } from "./format";
import { Badge, Layout } from "./layout";
import { ActionOutcomes, SourceEvents, TraceSteps } from "./violation-sections";

export async function violationPage(c: Context<AuthEnv>): Promise<Response> {
  const id = PathIdSchema.safeParse(c.req.param("id"));
  if (!id.success) throw new AppError("NOT_FOUND", "There is no violation with that id.");
  const v = await getViolation(c.env.DB, id.data);
  if (!v) throw new AppError("NOT_FOUND", "There is no violation with that id.");
  const principal = c.get("principal");
  if (!canSeeTeam(principal, v.teamId)) throw new AppError("FORBIDDEN", "This violation belongs to a team outside your access.");
  const names = await loadDisplayNames(c.env.DB, { owners: [v.ownerId, v.actorOwnerId], teams: [v.teamId], stages: [v.fromStage, v.toStage] });
  const from = v.fromStageLabel ?? nameOf(names.stages, v.fromStage);
  const to = v.toStageLabel ?? nameOf(names.stages, v.toStage);
  const actor = v.actorOwnerId ? nameOf(names.owners, v.actorOwnerId) : v.actorUserId ? `user ${v.actorUserId}` : (v.changeSource ?? "unknown");
  const dealUrl = buildDealUrl(c.env.HUBSPOT_PORTAL_UI_URL, v.portalId, v.dealId);
  return c.html(
    <Layout title={`Violation · ${v.dealName ?? v.dealId}`} principal={principal} active="violations">
      <p class="sub"><a href="/dashboard/violations">← Violations</a></p>
      <h1>{v.dealName ?? `Deal ${v.dealId}`}</h1>
      <p class="sub">
        <Badge kind={v.status}>{v.status}</Badge> <Badge kind={v.severity}>{v.severity}</Badge> <Badge kind={v.mode}>{v.mode}</Badge>{" "}
        <a href={dealUrl} target="_blank" rel="noopener noreferrer">Open the deal in HubSpot ↗</a>
      </p>
      <div class="card" style="margin-bottom:16px">
        <h2>What happened</h2>
        <p id="story">
          On {formatTime(v.occurredAt)}, {actor} moved this deal from <strong>{from}</strong> to <strong>{to}</strong>. Rule{" "}
          <strong>{v.ruleId}</strong> of policy <a href={`/dashboard/policies/${encodeURIComponent(v.policyId)}`}>{v.policyId}</a> says: “{v.message}”.
          {v.missing.length ? ` Missing: ${describeMissing(v.missing)}.` : ""}{" "}
          {v.status === "resolved"
            ? `It was fixed ${formatTime(v.resolvedAt)}${v.resolvedBy ? ` by ${v.resolvedBy}` : ""}, ${formatDuration(v.timeToFixMs)} later.`
            : "It is still open."}
        </p>
        <dl class="facts">
          <dt>Deal owner</dt><dd>{v.ownerId ? <a href={`/dashboard/reps/${encodeURIComponent(v.ownerId)}`}>{nameOf(names.owners, v.ownerId)}</a> : "—"}</dd>
          <dt>Team</dt><dd>{nameOf(names.teams, v.teamId)}</dd>
          <dt>Change source</dt><dd>{v.changeSource ?? "—"}</dd>
          <dt>Detected</dt><dd>{formatTime(v.detectedAt)}</dd>
          <dt>Policy version</dt><dd><code>{v.policyVersion}</code></dd>
          <dt>Violation id</dt><dd><code>{v.id}</code></dd>
        </dl>
      </div>
      <div class="grid">
        <TraceSteps steps={v.trace} />
        <ActionOutcomes actions={v.actions} />
      </div>
      <SourceEvents events={v.sourceEvents} />
    </Layout>,
  );
}
