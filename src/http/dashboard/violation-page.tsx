// One violation in plain words: what happened, which rule said so and why (the trace), what was done about it.
import type { Context } from "hono";
import { z } from "zod";
import { AppError } from "../../errors";
import { loadDisplayNames, nameOf } from "../../store/display-names";
import { getViolation } from "../../store/violations-query";
import { PathIdSchema } from "../api/query-schemas";
import { canSeeTeam, type AuthEnv } from "../auth";
import { buildDealUrl, describeMissing, formatDuration, formatTime } from "./format";
import { Badge, EmptyState, Layout } from "./layout";

const TraceStepSchema = z.object({ check: z.string().default(""), expression: z.string().optional(), passed: z.boolean().default(false), values: z.record(z.string(), z.unknown()).default({}), detail: z.string().default("") });
const ActionSchema = z.object({ type: z.string().default("unknown"), outcome: z.string().optional(), taskId: z.string().optional(), error: z.string().optional(), reason: z.string().optional() });

const ACTION_TEXT: Record<string, string> = {
  task: "Create a task for the rep",
  revert: "Move the deal back to the stage it came from",
  log: "Record the violation",
  "notify-manager": "Create a task for the rep's manager",
};
const OUTCOME_TEXT: Record<string, string> = {
  done: "done",
  pending: "in progress",
  skipped: "skipped",
  failed: "failed",
  "would-run": "would have run (audit mode: nothing was written to HubSpot)",
};

function showValue(v: unknown): string {
  if (v === null || v === undefined || v === "") return "empty";
  return typeof v === "string" ? v : JSON.stringify(v);
}

export async function violationPage(c: Context<AuthEnv>): Promise<Response> {
  const id = PathIdSchema.safeParse(c.req.param("id"));
  if (!id.success) throw new AppError("NOT_FOUND", "There is no violation with that id.");
  const v = await getViolation(c.env.DB, id.data);
  if (!v) throw new AppError("NOT_FOUND", "There is no violation with that id.");
  const principal = c.get("principal");
  if (!canSeeTeam(principal, v.teamId)) throw new AppError("FORBIDDEN", "This violation belongs to a team outside your access.");
  const names = await loadDisplayNames(c.env.DB, { owners: [v.ownerId, v.actorOwnerId], teams: [v.teamId], stages: [v.fromStage, v.toStage] });
  const trace = v.trace.map((t) => TraceStepSchema.safeParse(t)).flatMap((r) => (r.success ? [r.data] : []));
  const actions = v.actions.map((a) => ActionSchema.safeParse(a)).flatMap((r) => (r.success ? [r.data] : []));
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
        <div class="card">
          <h2>Why: the rule's checks</h2>
          {trace.length === 0 ? (
            <EmptyState title="No trace was recorded" />
          ) : (
            <ol class="trace" id="trace">
              {trace.map((t) => (
                <li>
                  <span class={`mark ${t.passed ? "pass" : "fail"}`}>{t.passed ? "✓" : "✗"}</span>
                  <div>
                    <div>{t.detail || t.check}</div>
                    {t.expression ? <div class="muted"><code>{t.expression}</code></div> : null}
                    {Object.keys(t.values).length ? (
                      <div class="muted">{Object.entries(t.values).map(([k, val]) => `${k} = ${showValue(val)}`).join(" · ")}</div>
                    ) : null}
                  </div>
                </li>
              ))}
            </ol>
          )}
        </div>
        <div class="card">
          <h2>What was done</h2>
          {actions.length === 0 ? (
            <EmptyState title="No actions were planned" />
          ) : (
            <table id="actions">
              <thead><tr><th>Action</th><th>Outcome</th></tr></thead>
              <tbody>
                {actions.map((a) => (
                  <tr>
                    <td>{ACTION_TEXT[a.type] ?? a.type}</td>
                    <td>
                      {OUTCOME_TEXT[a.outcome ?? "pending"] ?? a.outcome}
                      {a.taskId ? ` · task ${a.taskId}` : ""}
                      {a.error ? <div class="muted">{a.error}</div> : null}
                      {a.reason ? <div class="muted">{a.reason}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
      <div class="card">
        <h2>Source events</h2>
        {v.sourceEvents.length === 0 ? (
          <EmptyState title="The source events are no longer in the inbox">They are kept for the configured retention period.</EmptyState>
        ) : (
          <table>
            <thead><tr><th>Occurred</th><th>Type</th><th>Property</th><th>Event id</th><th>Status</th></tr></thead>
            <tbody>
              {v.sourceEvents.map((e) => (
                <tr><td>{formatTime(e.occurredAt)}</td><td>{e.subscriptionType}</td><td>{e.propertyName ?? "—"}</td><td><code>{e.eventId}</code></td><td>{e.status}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Layout>,
  );
}
