// The policies index: every policy and rule with its description, plain condition, mode, hits in the window and a
// weekly trend — every rule listed, whether or not it was ever broken — and the set's version history.
import type { Context } from "hono";
import type { IndexedPolicy } from "../api/policies";
import { loadPolicyIndex } from "../api/policies";
import { listCatalog, readModeOverride, ruleLabels } from "../api/policy-catalog";
import { parseQuery, resolveWindow, WindowQuerySchema } from "../api/query-schemas";
import type { AuthEnv } from "../auth";
import { Card } from "./components/card";
import { DataTable } from "./components/data-table";
import { Sparkline } from "./components/sparkline";
import { formatCount, formatDate, toQueryString } from "./format";
import { Badge, Layout } from "./layout";
import { VersionHistory } from "./policy-history";

function PolicyCard(props: { p: IndexedPolicy; from: string; to: string; partial: boolean }) {
  const { p } = props;
  return (
    <Card spaced>
      <h2><a href={`/dashboard/policies/${encodeURIComponent(p.id)}`}>{p.description ?? p.id}</a></h2>
      <p class="muted">
        <Badge kind={p.mode}>{p.mode}</Badge> {formatCount(p.rules.length)} rules · {formatCount(p.open)} open · {formatCount(p.total)} in the window
      </p>
      <DataTable
        rows={p.rules}
        empty={{ title: "This policy has no rules" }}
        columns={[
          {
            header: "Rule",
            cell: (r) => (
              <>
                <a href={`/dashboard/violations${toQueryString({ policy: p.id, rule: r.id, from: props.from, to: props.to })}`}>{r.description ?? r.id}</a>
                {r.explain && r.explain !== r.description ? <div class="muted">{r.explain}</div> : null}
              </>
            ),
          },
          { header: "Mode", cell: (r) => <Badge kind={r.mode}>{r.mode}</Badge> },
          { header: "Open", num: true, cell: (r) => formatCount(r.open) },
          { header: "Hits", num: true, cell: (r) => formatCount(r.total) },
          { header: "Trend (weekly)", cell: (r) => <Sparkline values={r.weekly} partialLast={props.partial} /> },
        ]}
      />
      <TrendNumbers p={p} partial={props.partial} />
    </Card>
  );
}

/** The trends' numbers: one row per rule, one column per week (the last one still in progress). */
function TrendNumbers(props: { p: IndexedPolicy; partial: boolean }) {
  const weeks = props.p.rules[0]?.weekly.map((w) => w.week) ?? [];
  if (weeks.length === 0) return null;
  return (
    <details class="chart-data">
      <summary>Show the weekly hits as a table</summary>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th>Rule</th>
              {weeks.map((w, i) => <th class="num">{w.slice(5)}{props.partial && i === weeks.length - 1 ? "*" : ""}</th>)}
            </tr>
          </thead>
          <tbody>
            {props.p.rules.map((r) => (
              <tr><td>{r.description ?? r.id}</td>{r.weekly.map((w) => <td class="num">{w.hits}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.partial ? <p class="muted">* this week, still in progress</p> : null}
    </details>
  );
}

export async function policiesPage(c: Context<AuthEnv>): Promise<Response> {
  const principal = c.get("principal");
  const q = parseQuery(WindowQuerySchema, c.req.url);
  const now = Date.now();
  const window = resolveWindow(q, now);
  const index = await loadPolicyIndex(c.env, principal.teams, window);
  const from = formatDate(index.window.from);
  const to = formatDate(new Date(window.to - 1).toISOString());
  return c.html(
    <Layout title="Policies" principal={principal} active="policies">
      <h1>Policies</h1>
      {principal.role === "admin" ? <p><a id="backtest-link" href="/dashboard/admin/backtest">Back-test a draft set before it bites →</a></p> : null}
      <p class="sub">
        Every rule the engine checks, with how often it was broken from {from} to {to}
        {principal.teams ? " in your teams" : ""}. The last bar of each trend is the current week, still in progress.
      </p>
      {index.policies.map((p) => <PolicyCard p={p} from={from} to={to} partial={window.to > now} />)}
      <VersionHistory versions={index.history} rule={ruleLabels(listCatalog(readModeOverride(c.env.POLICY_MODE_OVERRIDE)))} scope="the policy set" admin={principal.role === "admin"} />
    </Layout>,
  );
}
