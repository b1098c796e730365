// The overview's sections: filter bar, headline figures, weekly trend and the four breakdown tables.
import type { DisplayNames, FilterOptions } from "../../store/display-names";
import { nameOf } from "../../store/display-names";
import type { Summary } from "../../store/summary-query";
import { policyLabels, ruleLabels, type CatalogPolicy } from "../api/policy-catalog";
import { Card, KpiCard } from "./components/card";
import { DataTable } from "./components/data-table";
import { SelectField } from "./components/filter-fields";
import { formatCount, formatDuration, formatShare, toQueryString } from "./format";
import { weekLabel, weekNote } from "./week-series";

type Row<K extends keyof Summary> = Summary[K] extends Array<infer R> ? R : never;
export type ListLink = (extra: Record<string, string | null>) => string;

export interface OverviewFilterProps {
  q: { team?: string; owner?: string; policy?: string };
  options: FilterOptions;
  catalog: readonly CatalogPolicy[];
  names: DisplayNames;
  allLabel: string;
  from: string;
  to: string;
}

export function OverviewFilters(props: OverviewFilterProps) {
  const { q, options, names } = props;
  return (
    <form class="filters" method="get" action="/dashboard">
      <SelectField name="team" label="Team" value={q.team} anyLabel={props.allLabel} options={options.teams.map((t) => ({ value: t.id, label: t.name }))} valueLabel={nameOf(names.teams, q.team)} />
      <SelectField name="owner" label="Deal owner" value={q.owner} options={options.owners.map((o) => ({ value: o.id, label: o.name }))} valueLabel={nameOf(names.owners, q.owner)} />
      <SelectField name="policy" label="Policy" value={q.policy} options={props.catalog.map((p) => ({ value: p.id, label: p.description ?? p.id }))} />
      <label>From<input type="date" name="from" value={props.from} /></label>
      <label>To<input type="date" name="to" value={props.to} /></label>
      <button class="primary" type="submit">Apply</button>
    </form>
  );
}

export function OverviewKpis(props: { s: Summary; listLink: ListLink }) {
  const s = props.s;
  return (
    <div class="kpis">
      <KpiCard label="Open violations" value={formatCount(s.totals.open)} hint={<a href={props.listLink({ status: "open" })}>See them</a>} />
      <KpiCard label="Fixed by people" value={formatCount(s.resolutions.byPerson)} hint={resolutionHint(s)} />
      <KpiCard label="Median time to fix" value={formatDuration(s.medianTimeToFixMs)} hint="people's fixes only" />
      <KpiCard label="Compliant stage moves" value={formatShare(s.stageChanges.compliantShare)} hint={`${formatCount(s.stageChanges.compliant)} of ${formatCount(s.stageChanges.total)}; ${formatCount(s.stageChanges.creations)} new deals apart`} />
    </div>
  );
}

/** "3 moved back by the engine · 1 closed by a merge · of 12 in the window". */
function resolutionHint(s: Summary): string {
  const parts = [`${formatCount(s.resolutions.byEngine)} moved back by the engine`];
  if (s.resolutions.byMerge > 0) parts.push(`${formatCount(s.resolutions.byMerge)} closed by a merge`);
  parts.push(`of ${formatCount(s.totals.total)} in the window`);
  return parts.join(" · ");
}

export function WeeklyTrend(props: { weeks: Array<Row<"byWeek">>; now: number }) {
  return (
    <Card title="Weekly trend" spaced>
      <DataTable
        id="weekly-trend"
        rows={props.weeks.some((w) => w.total > 0) ? props.weeks : []}
        rowNote={(w) => weekNote(w.week, props.now)}
        empty={{ title: "No violations in this window", hint: "Stage changes that break a rule will show up here week by week." }}
        chart={{ title: "Violations per week", series: [1, 2] }}
        columns={[
          { header: "Week of", nowrap: true, cell: (w) => weekLabel(w.week, props.now) },
          { header: "Still open", num: true, cell: (w) => w.open },
          { header: "Resolved", num: true, cell: (w) => w.resolved },
          { header: "Total", num: true, cell: (w) => w.total },
        ]}
      />
    </Card>
  );
}

export function RulesTable(props: { rules: Array<Row<"byRule">>; listLink: ListLink; catalog: readonly CatalogPolicy[] }) {
  const rule = ruleLabels(props.catalog);
  const policy = policyLabels(props.catalog);
  return (
    <Card title="Open violations by rule">
      <DataTable
        rows={props.rules}
        empty={{ title: "Nothing open", hint: "Every violation in this window has been fixed." }}
        columns={[
          { header: "Rule", cell: (r) => <a href={props.listLink({ status: "open", policy: r.policyId, rule: r.ruleId })}>{rule(r.policyId, r.ruleId)}</a> },
          { header: "Policy", cell: (r) => <a href={`/dashboard/policies/${encodeURIComponent(r.policyId)}`}>{policy(r.policyId)}</a> },
          { header: "Open", bar: (r) => r.open },
        ]}
      />
    </Card>
  );
}

export function OwnersTable(props: { owners: Array<Row<"byOwner">>; names: DisplayNames }) {
  return (
    <Card title="Open violations by rep">
      <DataTable
        rows={props.owners}
        empty={{ title: "Nothing open", hint: "No rep has an open violation in this window." }}
        columns={[
          { header: "Rep", cell: (o) => (o.ownerId ? <a href={`/dashboard/reps/${encodeURIComponent(o.ownerId)}`}>{nameOf(props.names.owners, o.ownerId)}</a> : "No owner") },
          { header: "Open", bar: (o) => o.open },
          { header: "Resolved", num: true, cell: (o) => o.resolved },
        ]}
      />
    </Card>
  );
}

export function StagesTable(props: { stages: Array<Row<"byStage">>; names: DisplayNames; listLink: ListLink }) {
  return (
    <Card title="Where discipline breaks most">
      <DataTable
        rows={props.stages}
        empty={{ title: "No stage data yet" }}
        columns={[
          { header: "Stage moved into", cell: (st) => <a href={props.listLink({ stage: st.stage })}>{nameOf(props.names.stages, st.stage)}</a> },
          { header: "Violations", bar: (st) => st.total },
          { header: "Open", num: true, cell: (st) => st.open },
        ]}
      />
    </Card>
  );
}

export function TeamsTable(props: { teams: Array<Row<"byTeam">>; names: DisplayNames; from: string; to: string }) {
  return (
    <Card title="By team">
      <DataTable
        rows={props.teams}
        empty={{ title: "No team data yet" }}
        columns={[
          { header: "Team", cell: (t) => (t.teamId ? <a href={`/dashboard${toQueryString({ team: t.teamId, from: props.from, to: props.to })}`}>{nameOf(props.names.teams, t.teamId)}</a> : "No team") },
          { header: "Open", num: true, cell: (t) => t.open },
          { header: "Resolved", num: true, cell: (t) => t.resolved },
          { header: "Total", num: true, cell: (t) => t.total },
        ]}
      />
    </Card>
  );
}
