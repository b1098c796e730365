// The rep page's sections: headline figures, stage-to-stage conversion, weekly trend, open items, by rule,
// recent close-date pushes.
import type { DisplayNames } from "../../store/display-names";
import { nameOf } from "../../store/display-names";
import type { RepRecord } from "../../store/reps-query";
import { Card, KpiCard } from "./components/card";
import { DataTable } from "./components/data-table";
import { actorName, describeMissingWith, formatCount, formatDuration, formatShare, formatTime } from "./format";
import { Badge } from "./layout";
import { weekLabel, weekNote } from "./week-series";

type DealLink = (portalId: number, dealId: string) => string;

export function RepKpis(props: { r: RepRecord }) {
  const r = props.r;
  return (
    <div class="kpis">
      <KpiCard label="Compliant stage moves" value={formatShare(r.stageChanges.complianceRate)} hint={`${formatCount(r.stageChanges.compliant)} of ${formatCount(r.stageChanges.total)}; ${formatCount(r.stageChanges.creations)} new deals apart`} />
      <KpiCard label="Open violations" value={formatCount(r.openViolations.length === 50 ? r.violations.open : r.openViolations.length)} hint={`${formatCount(r.violations.total)} in the window`} />
      <KpiCard label="Close dates pushed" value={formatCount(r.closeDatePushes.count)} hint={`${formatCount(r.closeDatePushes.totalDaysPushed)} days over ${formatCount(r.closeDatePushes.deals)} deals`} />
      <KpiCard label="Deals won" value={formatCount(r.wonDeals)} hint="in the window" />
    </div>
  );
}

export function StageConversion(props: { stages: RepRecord["stages"]; names: DisplayNames }) {
  const stage = (id: string | null) => (id ? nameOf(props.names.stages, id) : "—");
  return (
    <Card title="Batting average: stage to stage">
      <DataTable
        id="stages"
        rows={props.stages}
        empty={{ title: "No stage changes in this window" }}
        columns={[
          { header: "Stage", cell: (s) => stage(s.stage) },
          { header: "Deals entered", num: true, cell: (s) => formatCount(s.dealsEntered) },
          { header: "Next stage", cell: (s) => stage(s.nextStage) },
          { header: "Converted", num: true, cell: (s) => formatShare(s.conversionToNext) },
          { header: "Median time in stage", num: true, cell: (s) => formatDuration(s.medianTimeInStageMs) },
        ]}
      />
    </Card>
  );
}

export function RepTrend(props: { trend: RepRecord["trend"]; now: number }) {
  return (
    <Card title="Trend">
      <DataTable
        id="rep-trend"
        rows={props.trend}
        rowNote={(t) => weekNote(t.week, props.now)}
        empty={{ title: "No activity in this window" }}
        chart={{ title: "Violations per week", series: [1] }}
        columns={[
          { header: "Week of", nowrap: true, cell: (t) => weekLabel(t.week, props.now) },
          { header: "Violations", num: true, cell: (t) => t.violations },
          { header: "Stage moves", num: true, cell: (t) => t.stageChanges },
          { header: "Compliant", num: true, value: (t) => t.compliant, cell: (t) => (t.stageChanges ? formatShare(t.compliant / t.stageChanges) : "—") },
        ]}
      />
    </Card>
  );
}

type RuleLabel = (policyId: string, ruleId: string) => string;

export function OpenItems(props: { items: RepRecord["openViolations"]; dealLink: DealLink; rule: RuleLabel; labels: Map<string, string>; names: DisplayNames }) {
  return (
    <Card title="Open items" spaced>
      <DataTable
        id="open-items"
        rows={props.items}
        empty={{ title: "Nothing open", hint: "This rep has no open violations." }}
        columns={[
          { header: "Deal", cell: (v) => <a href={props.dealLink(v.portalId, v.dealId)} target="_blank" rel="noopener noreferrer">{v.dealName ?? `Deal ${v.dealId}`} ↗</a> },
          { header: "Rule", cell: (v) => <a href={`/dashboard/violations/${encodeURIComponent(v.id)}`}>{props.rule(v.policyId, v.ruleId)}</a> },
          { header: "What to fix", cell: (v) => (v.missing.length ? `Fill in ${describeMissingWith(props.labels, v.missing)}` : v.message) },
          // A change someone else made (a manager, a workflow) shows up here too, saying so.
          { header: "Changed by", cell: (v) => actorName(props.names, v.actorUserId, v.changeSource) },
          { header: "Since", nowrap: true, cell: (v) => formatTime(v.occurredAt) },
          { header: "Severity", cell: (v) => <Badge kind={v.severity}>{v.severity}</Badge> },
        ]}
      />
    </Card>
  );
}

export function RepRules(props: { rules: RepRecord["byRule"]; rule: RuleLabel }) {
  return (
    <Card title="By rule">
      <DataTable
        rows={props.rules}
        empty={{ title: "No violations in this window" }}
        columns={[
          { header: "Rule", cell: (x) => props.rule(x.policyId, x.ruleId) },
          { header: "Open", num: true, cell: (x) => x.open },
          { header: "Resolved", num: true, cell: (x) => x.resolved },
        ]}
      />
    </Card>
  );
}

export function CloseDatePushes(props: { pushes: RepRecord["closeDatePushes"]["recent"]; portalId: number; dealLink: DealLink; deals: Map<string, string> }) {
  return (
    <Card title="Recent close-date pushes">
      <DataTable
        rows={props.pushes}
        empty={{ title: "No close date was pushed out" }}
        columns={[
          { header: "When", cell: (p) => formatTime(p.occurredAt) },
          { header: "Deal", cell: (p) => <a href={props.dealLink(props.portalId, p.dealId)} target="_blank" rel="noopener noreferrer">{props.deals.get(p.dealId) ?? `Deal ${p.dealId}`} ↗</a> },
          { header: "Pushed out by", num: true, cell: (p) => (p.pushedDays === null ? "—" : `${p.pushedDays} day${p.pushedDays === 1 ? "" : "s"}`) },
        ]}
      />
    </Card>
  );
}
