// The policy page's sections: hits per rule, what enforce mode would have done, versions seen.
import type { PolicyStats } from "../../store/policy-query";
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

export function RuleHits(props: { p: PolicyStats; from: string; to: string }) {
  const p = props.p;
  return (
    <Card title="Hits per rule">
      <DataTable
        id="rules"
        rows={p.rules}
        empty={{ title: "No hits in this window" }}
        columns={[
          { header: "Rule", cell: (r) => <a href={`/dashboard/violations${toQueryString({ policy: p.policyId, rule: r.ruleId, mode: r.mode, from: props.from, to: props.to })}`}>{r.ruleId}</a> },
          { header: "Mode", cell: (r) => <Badge kind={r.mode}>{r.mode}</Badge> },
          { header: "Open", num: true, cell: (r) => formatCount(r.open) },
          { header: "Resolved", num: true, cell: (r) => formatCount(r.resolved) },
          { header: "Total", num: true, cell: (r) => formatCount(r.total) },
        ]}
      />
    </Card>
  );
}

export function WouldHaveDone(props: { rows: PolicyStats["wouldHaveDone"] }) {
  return (
    <Card title="If audit rules were enforced">
      <p class="muted">What the engine planned for audit-mode hits but did not do.</p>
      <DataTable
        id="would-have-done"
        rows={props.rows}
        empty={{ title: "No audit-mode hits", hint: "Every hit here came from a rule already in enforce mode." }}
        columns={[
          { header: "Rule", cell: (w) => w.ruleId },
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
