// Policy page: hits per rule, audit vs enforce, and what enforce mode would have done for audit-mode hits.
import type { Context } from "hono";
import { AppError } from "../../errors";
import { getPolicyStats } from "../../store/policy-query";
import { parseQuery, PathIdSchema, resolveWindow, WindowQuerySchema } from "../api/query-schemas";
import type { AuthEnv } from "../auth";
import { formatCount, formatDate, toQueryString } from "./format";
import { Badge, EmptyState, Layout } from "./layout";
import { RuleCoverage } from "./rule-coverage";

const WOULD: Record<string, string> = {
  task: "created a task for the rep",
  revert: "moved the deal back (revert)",
  "notify-manager": "created a task for the manager",
  log: "logged it",
};

export async function policyPage(c: Context<AuthEnv>): Promise<Response> {
  const id = PathIdSchema.safeParse(c.req.param("policyId"));
  if (!id.success) throw new AppError("NOT_FOUND", "There is no policy with that id.");
  const principal = c.get("principal");
  const q = parseQuery(WindowQuerySchema, c.req.url);
  const window = resolveWindow(q, Date.now());
  const p = await getPolicyStats(c.env.DB, { policyId: id.data, teams: principal.teams, ...window });
  const from = formatDate(p.window.from);
  const to = formatDate(new Date(window.to - 1).toISOString());
  return c.html(
    <Layout title={`Policy ${p.policyId}`} principal={principal}>
      <h1>Policy {p.policyId}</h1>
      <p class="sub">{from} to {to}</p>
      {p.rules.length === 0 ? (
        <div class="card"><EmptyState title="No hits in this window">Either every change complied, or this policy id is not in use.</EmptyState></div>
      ) : (
        <>
          <div class="grid">
            <div class="card">
              <h2>Hits per rule</h2>
              <table id="rules">
                <thead><tr><th>Rule</th><th>Mode</th><th class="num">Open</th><th class="num">Resolved</th><th class="num">Total</th></tr></thead>
                <tbody>
                  {p.rules.map((r) => (
                    <tr>
                      <td><a href={`/dashboard/violations${toQueryString({ policy: p.policyId, rule: r.ruleId, mode: r.mode, from, to })}`}>{r.ruleId}</a></td>
                      <td><Badge kind={r.mode}>{r.mode}</Badge></td>
                      <td class="num">{formatCount(r.open)}</td><td class="num">{formatCount(r.resolved)}</td><td class="num">{formatCount(r.total)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div class="card">
              <h2>If audit rules were enforced</h2>
              <p class="muted">What the engine planned for audit-mode hits but did not do.</p>
              {p.wouldHaveDone.length === 0 ? (
                <EmptyState title="No audit-mode hits">Every hit here came from a rule already in enforce mode.</EmptyState>
              ) : (
                <table id="would-have-done">
                  <thead><tr><th>Rule</th><th>Enforce would have</th><th class="num">Count</th></tr></thead>
                  <tbody>
                    {p.wouldHaveDone.map((w) => (
                      <tr><td>{w.ruleId}</td><td>{WOULD[w.action] ?? w.action}</td><td class="num">{formatCount(w.count)}</td></tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </div>
          <div class="card">
            <h2>Versions seen</h2>
            <table>
              <thead><tr><th>Version</th><th>First hit</th><th>Last hit</th><th class="num">Hits</th></tr></thead>
              <tbody>{p.versions.map((v) => <tr><td><code>{v.version}</code></td><td>{formatDate(v.firstSeen)}</td><td>{formatDate(v.lastSeen)}</td><td class="num">{formatCount(v.hits)}</td></tr>)}</tbody>
            </table>
          </div>
        </>
      )}
      <RuleCoverage policyId={p.policyId} />
    </Layout>,
  );
}
