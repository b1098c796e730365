// The back-test page's results: per rule (hits, deals, reps, what enforce would have done, and the difference with
// the active set), hits per week (a chart with its numbers as a table), and the affected deals, each linking to its
// deal in HubSpot and to its violations here.
import type { BacktestHit, RuleDiff, RuleSummary } from "../../backtest";
import type { DashboardBacktest } from "../api/backtest-run";
import { Card } from "./components/card";
import { DataTable } from "./components/data-table";
import { buildDealUrl, formatCount, formatTime, toQueryString } from "./format";
import { Badge } from "./layout";

type Row = RuleSummary & { diff: RuleDiff | undefined; description: string };
const key = (p: string, r: string) => `${p}\u0000${r}`;

function describer(b: DashboardBacktest): (policyId: string, ruleId: string) => string {
  const labels = new Map([...b.draft.policies, ...b.active.policies].flatMap((p) => p.rules.map((r) => [key(p.id, r.id), r.description ?? r.id] as const)));
  return (p, r) => labels.get(key(p, r)) ?? r;
}

/** Every rule of the draft (and rules only the active set has), with the exact difference against the active set. */
export function RuleTable(props: { b: DashboardBacktest }) {
  const { result } = props.b;
  const describe = describer(props.b);
  const diffs = new Map((result.diff ?? []).map((d) => [key(d.policyId, d.ruleId), d]));
  const removed = (result.diff ?? []).filter((d) => d.rule === "removed").map((d): Row => {
    const was = result.against?.rules.find((r) => r.policyId === d.policyId && r.ruleId === d.ruleId);
    return { ...(was ?? emptySummary(d)), hits: 0, deals: 0, reps: 0, reverts: 0, tasks: 0, diff: d, description: describe(d.policyId, d.ruleId) };
  });
  const rows: Row[] = [...result.draft.rules.map((r) => ({ ...r, diff: diffs.get(key(r.policyId, r.ruleId)), description: describe(r.policyId, r.ruleId) })), ...removed];
  return (
    <Card title="Per rule: what the draft would have done" id="rules">
      <p class="muted">Hits are the violations the draft would have recorded; reverts and tasks are what enforce mode would have done. New, gone and changed compare each hit with the active set's (same deal, rule, time and stage).</p>
      <DataTable
        id="backtest-rules"
        rows={rows}
        empty={{ title: "The draft has no rules" }}
        columns={[
          { header: "Rule", cell: (r) => <>{r.description}<div class="muted"><code>{r.policyId}/{r.ruleId}</code>{r.diff && r.diff.rule !== "kept" ? <> <Badge kind={r.diff.rule === "added" ? "resolved" : "critical"}>{r.diff.rule === "added" ? "new rule" : "removed"}</Badge></> : null}</div></> },
          { header: "Mode", cell: (r) => <Badge kind={r.mode}>{r.mode}</Badge> },
          { header: "Hits", num: true, cell: (r) => formatCount(r.hits) },
          { header: "Deals", num: true, cell: (r) => formatCount(r.deals) },
          { header: "Reps", num: true, cell: (r) => formatCount(r.reps) },
          { header: "Reverts", num: true, cell: (r) => formatCount(r.reverts) },
          { header: "Tasks", num: true, cell: (r) => formatCount(r.tasks) },
          { header: "New hits", num: true, cell: (r) => formatCount(r.diff?.newHits ?? 0) },
          { header: "No longer raised", num: true, cell: (r) => formatCount(r.diff?.goneHits ?? 0) },
          { header: "Other actions", num: true, cell: (r) => formatCount(r.diff?.changedActions ?? 0) },
        ]}
      />
    </Card>
  );
}

function emptySummary(d: RuleDiff): RuleSummary {
  return { policyId: d.policyId, ruleId: d.ruleId, mode: "audit", severity: "info", hits: 0, deals: 0, reps: 0, reverts: 0, tasks: 0, byWeek: {}, byStage: {}, byRep: {}, examples: [] };
}

/** Mondays (UTC) from the window's first week to its last. */
function weeksOf(from: number, to: number): string[] {
  const DAY = 86_400_000;
  const start = Math.floor(from / DAY) - ((new Date(Math.floor(from / DAY) * DAY).getUTCDay() + 6) % 7);
  const out: string[] = [];
  for (let d = start; d * DAY < to; d += 7) out.push(new Date(d * DAY).toISOString().slice(0, 10));
  return out;
}

/** Hits per week, draft against active (chart + table), and per rule as a table. */
export function WeeklyHits(props: { b: DashboardBacktest }) {
  const { result } = props.b;
  const weeks = weeksOf(result.window.from, result.window.to);
  const sum = (rules: RuleSummary[] | undefined, week: string) => (rules ?? []).reduce((n, r) => n + (r.byWeek[week] ?? 0), 0);
  const rows = weeks.map((week) => ({ week, draft: sum(result.draft.rules, week), active: sum(result.against?.rules, week) }));
  const ruled = result.draft.rules.filter((r) => r.hits > 0);
  const describe = describer(props.b);
  return (
    <Card title="Hits per week" id="weekly">
      <DataTable
        id="backtest-weeks"
        rows={rows}
        chart={{ title: "Hits per week: draft and active set", series: [1, 2] }}
        empty={{ title: "No week in the window" }}
        columns={[
          { header: "Week of", cell: (r) => r.week },
          { header: "Draft", num: true, cell: (r) => formatCount(r.draft), value: (r) => r.draft },
          { header: "Active set", num: true, cell: (r) => formatCount(r.active), value: (r) => r.active },
        ]}
      />
      {ruled.length === 0 ? null : (
        <details class="chart-data">
          <summary>Hits per rule and week</summary>
          <div class="scroll">
            <table id="backtest-rule-weeks">
              <thead><tr><th>Rule</th>{weeks.map((w) => <th class="num">{w.slice(5)}</th>)}</tr></thead>
              <tbody>{ruled.map((r) => <tr><td>{describe(r.policyId, r.ruleId)}</td>{weeks.map((w) => <td class="num">{r.byWeek[w] ?? 0}</td>)}</tr>)}</tbody>
            </table>
          </div>
        </details>
      )}
    </Card>
  );
}

interface AffectedDeal {
  dealId: string;
  dealName: string | null;
  portalId: number;
  ownerId: string | null;
  hits: BacktestHit[];
  newHits: number;
  last: number;
}

/** Every deal the draft would have flagged (or stops flagging), newest hit first, each linking to its deal. */
export function AffectedDeals(props: { b: DashboardBacktest; portalUiUrl: string | undefined }) {
  const { result, metadata } = props.b;
  const describe = describer(props.b);
  const activeIds = new Set((result.against?.hits ?? []).map((h) => h.id));
  const deals = new Map<string, AffectedDeal>();
  for (const h of result.draft.hits) {
    const d = deals.get(h.dealId) ?? { dealId: h.dealId, dealName: h.dealName, portalId: props.b.dealPortals.get(h.dealId) ?? 0, ownerId: h.ownerId, hits: [], newHits: 0, last: 0 };
    d.hits.push(h);
    if (!activeIds.has(h.id)) d.newHits++;
    d.last = Math.max(d.last, h.occurredAt);
    d.dealName = h.dealName ?? d.dealName;
    deals.set(h.dealId, d);
  }
  const rows = [...deals.values()].sort((a, b) => b.last - a.last);
  const owner = (id: string | null) => (id === null ? "no owner" : (metadata.owners.get(id)?.name ?? id));
  return (
    <Card title={`Affected deals (${formatCount(rows.length)})`} id="deals">
      <DataTable
        id="backtest-deals"
        rows={rows}
        empty={{ title: "The draft would have flagged no deal in this window" }}
        columns={[
          { header: "Deal", cell: (d) => <><a href={buildDealUrl(props.portalUiUrl, d.portalId, d.dealId)} target="_blank" rel="noopener">{d.dealName ?? `Deal ${d.dealId}`}</a><div class="muted"><a href={`/dashboard/violations${toQueryString({ deal: d.dealId })}`}>its violations</a></div></> },
          { header: "Owner", cell: (d) => owner(d.ownerId) },
          { header: "Rules", cell: (d) => [...new Set(d.hits.map((h) => describe(h.policyId, h.ruleId)))].join("; ") },
          { header: "Hits", num: true, cell: (d) => formatCount(d.hits.length) },
          { header: "New vs active", num: true, cell: (d) => formatCount(d.newHits) },
          { header: "Last hit", nowrap: true, cell: (d) => formatTime(new Date(d.last).toISOString()) },
        ]}
      />
    </Card>
  );
}
