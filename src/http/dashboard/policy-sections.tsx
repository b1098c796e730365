// The policy page's sections: every rule with its hits, what enforce mode would have done, versions seen.
import type { Mode } from "../../policy";
import type { PolicyStats } from "../../store/policy-query";
import type { CatalogRule } from "../api/policy-catalog";
import { Card } from "./components/card";
import { DataTable } from "./components/data-table";
import { formatCount, formatDate, toQueryString } from "./format";
import { Badge } from "./layout";

const WOULD: Record<string, string> = {
  task: "created a task for the rep",
  revert: "moved the deal back to the stage it came from",
  "notify-manager": "created a task for the manager",
  log: "logged it",
};

export interface RuleRow {
  id: string;
  description: string | null;
  explain: string | null;
  mode: Mode;
  open: number;
  resolved: number;
  total: number;
}

/** Every shipped rule (zero hits included) plus any rule/mode pair seen on violations, described where known. */
export function mergeRuleRows(shipped: readonly CatalogRule[], hits: PolicyStats["rules"]): RuleRow[] {
  const rows: RuleRow[] = [];
  for (const r of shipped) {
    const seen = hits.filter((h) => h.ruleId === r.id);
    if (seen.length === 0) rows.push({ id: r.id, description: r.description, explain: r.explain, mode: r.mode, open: 0, resolved: 0, total: 0 });
    for (const h of seen) rows.push({ id: r.id, description: r.description, explain: r.explain, mode: h.mode, open: h.open, resolved: h.resolved, total: h.total });
  }
  for (const h of hits) if (!shipped.some((r) => r.id === h.ruleId)) rows.push({ id: h.ruleId, description: null, explain: null, mode: h.mode, open: h.open, resolved: h.resolved, total: h.total });
  return rows;
}

export function RuleHits(props: { policyId: string; rows: RuleRow[]; from: string; to: string }) {
  return (
    <Card title="Rules and their hits">
      <DataTable
        id="rules"
        rows={props.rows}
        empty={{ title: "This policy has no rules" }}
        columns={[
          {
            header: "Rule",
            cell: (r) => (
              <>
                <a href={`/dashboard/violations${toQueryString({ policy: props.policyId, rule: r.id, mode: r.mode, from: props.from, to: props.to })}`}>{r.description ?? r.id}</a>
                {r.explain ? <div class="muted">{r.explain}</div> : null}
              </>
            ),
          },
          { header: "Mode", cell: (r) => <Badge kind={r.mode}>{r.mode}</Badge> },
          { header: "Open", num: true, cell: (r) => formatCount(r.open) },
          { header: "Resolved", num: true, cell: (r) => formatCount(r.resolved) },
          { header: "Total", num: true, cell: (r) => formatCount(r.total) },
        ]}
      />
    </Card>
  );
}

export function WouldHaveDone(props: { rows: PolicyStats["wouldHaveDone"]; rule: (ruleId: string) => string }) {
  return (
    <Card title="If audit and warn rules were enforced">
      <p class="muted">What the engine planned but did not do: every action of audit-mode hits, the reverts of warn-mode hits (their tasks did run).</p>
      <DataTable
        id="would-have-done"
        rows={props.rows}
        empty={{ title: "Nothing left undone", hint: "Every hit here came from a rule in enforce mode, or a warn-mode rule that doesn't revert." }}
        columns={[
          { header: "Rule", cell: (w) => props.rule(w.ruleId) },
          { header: "Enforce would have", cell: (w) => WOULD[w.action] ?? w.action },
          { header: "Count", num: true, cell: (w) => formatCount(w.count) },
        ]}
      />
    </Card>
  );
}

export function VersionsSeen(props: { versions: PolicyStats["versions"] }) {
  return (
    <Card title="Versions seen">
      <DataTable
        rows={props.versions}
        empty={{ title: "No hits in this window" }}
        columns={[
          { header: "Version", cell: (v) => <code>{v.version}</code> },
          { header: "First hit", cell: (v) => formatDate(v.firstSeen) },
          { header: "Last hit", cell: (v) => formatDate(v.lastSeen) },
          { header: "Hits", num: true, cell: (v) => formatCount(v.hits) },
        ]}
      />
    </Card>
  );
}
