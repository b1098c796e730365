// Admin page: events still pending (count, age, last error) and dead letters (reason, replay state), with how to
// replay them. Admins only: it shows raw failure reasons across every team.
import type { Context } from "hono";
import { assertRole, type AuthEnv } from "../auth";
import { buildFailuresReport, FailuresQuerySchema } from "../api/failures";
import { parseQuery } from "../api/query-schemas";
import { formatCount, formatDuration } from "./format";
import { EmptyState, Layout } from "./layout";

const when = (ms: number | null) => (ms === null ? "—" : new Date(ms).toISOString().slice(0, 16).replace("T", " "));

export async function failuresPage(c: Context<AuthEnv>): Promise<Response> {
  const principal = c.get("principal");
  assertRole(principal, "admin");
  const q = parseQuery(FailuresQuerySchema, c.req.url);
  const now = Date.now();
  const r = await buildFailuresReport(c.env.DB, now, q.limit);
  return c.html(
    <Layout title="Failures" principal={principal}>
      <h1>Failures</h1>
      <p class="sub">Events not processed yet, and queue messages that failed every retry.</p>
      <div class="card">
        <h2>Pending events</h2>
        <p id="pending-summary">
          {formatCount(r.pending.count)} pending, oldest {r.pending.oldestAgeSeconds === null ? "—" : formatDuration(r.pending.oldestAgeSeconds * 1000)} old;{" "}
          {formatCount(r.stalePending)} past the queue's retry horizon ({formatDuration(r.horizonSeconds * 1000)}), which the 15-minute sweep sends again.
        </p>
        {r.pending.reasons.length === 0 ? (
          <EmptyState title="Nothing pending" />
        ) : (
          <table id="pending">
            <thead><tr><th>Last error</th><th class="num">Events</th><th>Oldest received</th><th class="num">Sweeps</th></tr></thead>
            <tbody>
              {r.pending.reasons.map((p) => (
                <tr><td>{p.reason ?? "not tried yet"}</td><td class="num">{formatCount(p.count)}</td><td>{when(p.oldestReceivedAt)}</td><td class="num">{p.sweeps}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div class="card">
        <h2>Dead letters ({formatCount(r.deadLetters.total)})</h2>
        <p class="sub">Replay with <code>npm run ops -- replay-dead-letters</code> (add <code>--remote</code> for the deployed engine) or <code>POST /api/admin/dead-letters/replay</code>.</p>
        {r.deadLetters.items.length === 0 ? (
          <EmptyState title="No dead letters" />
        ) : (
          <table id="dead-letters">
            <thead><tr><th>Failed</th><th>Reason</th><th class="num">Events</th><th class="num">Attempts</th><th>Replay</th></tr></thead>
            <tbody>
              {r.deadLetters.items.map((d) => (
                <tr>
                  <td>{when(d.failedAt)}</td><td>{d.error ?? "—"}</td><td class="num">{d.events ?? "—"}</td><td class="num">{d.attempts}</td>
                  <td>{d.replayError ?? (d.replayedAt !== null ? `replayed ${when(d.replayedAt)}` : d.replayRequestedAt !== null ? "requested" : "—")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Layout>,
  );
}
