// One violation in plain words: what happened, which rule said so and why (the trace), what was done about it.
import type { Context } from "hono";
import { AppError } from "../../errors";
import { loadDisplayNames, nameOf } from "../../store/display-names";
import { getViolation } from "../../store/violations-query";
import { PathIdSchema } from "../api/query-schemas";
import { canSeeTeam, type AuthEnv } from "../auth";
import type { DisplayNames } from "../../store/display-names";
import type { ViolationDetail } from "../../store/violations-query";
import { listCatalog, policyLabels, readModeOverride, withSnapshotLabels } from "../api/policy-catalog";
import { Card } from "./components/card";
import { actorName, buildDealUrl, describeMissingWith, describeResolution, formatDuration, formatTime } from "./format";
import { Badge, Layout } from "./layout";
import { ActionOutcomes, SourceEvents, TraceSteps } from "./violation-sections";

export async function violationPage(c: Context<AuthEnv>): Promise<Response> {
  const id = PathIdSchema.safeParse(c.req.param("id"));
  if (!id.success) throw new AppError("NOT_FOUND", "There is no violation with that id.");
  const v = await getViolation(c.env.DB, id.data);
  if (!v) throw new AppError("NOT_FOUND", "There is no violation with that id.");
  const principal = c.get("principal");
  if (!canSeeTeam(principal, v.teamId)) throw new AppError("FORBIDDEN", "This violation belongs to a team outside your access.");
  const resolverId = v.resolvedBy?.startsWith("userId:") ? v.resolvedBy.slice("userId:".length) : null;
  const names = await loadDisplayNames(c.env.DB, { owners: [v.ownerId, v.actorOwnerId], users: [v.actorUserId, resolverId], teams: [v.teamId], stages: [v.fromStage, v.toStage] });
  const from = v.fromStageLabel ?? nameOf(names.stages, v.fromStage);
  const to = v.toStageLabel ?? nameOf(names.stages, v.toStage);
  const labels = withSnapshotLabels(names.properties);
  const catalog = listCatalog(readModeOverride(c.env.POLICY_MODE_OVERRIDE));
  const rule = catalog.find((p) => p.id === v.policyId)?.rules.find((r) => r.id === v.ruleId);
  const policyName = policyLabels(catalog)(v.policyId);
  const dealUrl = buildDealUrl(c.env.HUBSPOT_PORTAL_UI_URL, v.portalId, v.dealId);
  const actor = actorName(names, v.actorUserId, v.changeSource);
  const moved = v.fromStage !== null && v.toStage !== null && v.fromStage !== v.toStage;
  return c.html(
    <Layout title={`Violation · ${v.dealName ?? v.dealId}`} principal={principal} active="violations">
      <p class="sub"><a href="/dashboard/violations">← Violations</a></p>
      <h1>{v.dealName ?? `Deal ${v.dealId}`}</h1>
      <p class="sub">
        <Badge kind={v.status}>{v.status}</Badge> <Badge kind={v.severity}>{v.severity}</Badge> <Badge kind={v.mode}>{v.mode}</Badge>{" "}
        <a href={dealUrl} target="_blank" rel="noopener noreferrer">Open the deal in HubSpot ↗</a>
      </p>
      <Card title="What happened" spaced>
        <p id="story">
          On {formatTime(v.occurredAt)}, <strong>{actor}</strong>{" "}
          {moved ? <>moved this deal from <strong>{from}</strong> to <strong>{to}</strong></> : <>changed this deal{v.toStage ? <> in <strong>{to}</strong></> : null}</>}.
          {" "}It broke the rule “{rule?.description ?? v.ruleId}” of <a href={`/dashboard/policies/${encodeURIComponent(v.policyId)}`}>{policyName}</a>: {v.message}.
          {v.missing.length ? ` Missing: ${describeMissingWith(labels, v.missing)}.` : ""}{" "}
          <Resolution v={v} names={names} />
        </p>
        {rule?.explain ? <p class="muted" id="explain">What the rule asks for: {rule.explain}</p> : null}
        <dl class="facts">
          <dt>Change made by</dt><dd id="actor">{actor}</dd>
          <dt>Deal owner</dt><dd id="owner">{v.ownerId ? <a href={`/dashboard/reps/${encodeURIComponent(v.ownerId)}`}>{nameOf(names.owners, v.ownerId)}</a> : "No owner"}</dd>
          <dt>Team</dt><dd>{nameOf(names.teams, v.teamId)}</dd>
          <dt>Detected</dt><dd>{formatTime(v.detectedAt)}</dd>
        </dl>
        <details class="tech">
          <summary>Reference for admins</summary>
          <dl class="facts">
            <dt>Policy and rule</dt><dd><code>{v.policyId}</code> / <code>{v.ruleId}</code></dd>
            <dt>Policy version</dt><dd><code>{v.policyVersion}</code></dd>
            <dt>Violation id</dt><dd><code>{v.id}</code></dd>
          </dl>
        </details>
      </Card>
      <div class="grid">
        <TraceSteps steps={v.trace} />
        <ActionOutcomes actions={v.actions} />
      </div>
      <SourceEvents events={v.sourceEvents} labels={labels} />
    </Layout>,
  );
}

/** The closing sentence: still open, fixed by a person (with how long it took), or undone by the engine. */
function Resolution(props: { v: ViolationDetail; names: DisplayNames }) {
  const { v } = props;
  if (v.status !== "resolved") return <>It is still open.</>;
  const r = describeResolution(props.names, v.resolvedBy);
  if (r.kind === "engine") return <>The engine moved the deal back on {formatTime(v.resolvedAt)}; nobody has fixed it by hand.</>;
  if (r.kind === "merge") return <>It was closed by {r.who} on {formatTime(v.resolvedAt)}.</>;
  return <>{r.who} fixed it on {formatTime(v.resolvedAt)}, {formatDuration(v.timeToFixMs)} later.</>;
}
