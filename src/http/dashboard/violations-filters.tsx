// The violations list's filter bar: owners, teams, stages, policies and rules chosen by name (the form submits ids,
// the API takes either), plus status, severity, mode, deal and dates.
import type { DisplayNames, FilterOptions } from "../../store/display-names";
import { nameOf } from "../../store/display-names";
import type { CatalogPolicy } from "../api/policy-catalog";
import type { ViolationsQuery } from "../api/query-schemas";
import { plainOptions, SelectField, TextField } from "./components/filter-fields";
import { toQueryString } from "./format";

export interface FilterBarProps {
  q: ViolationsQuery;
  base: Record<string, string | undefined>;
  options: FilterOptions;
  catalog: readonly CatalogPolicy[];
  names: DisplayNames;
}

export function ViolationsFilters(props: FilterBarProps) {
  const { q, base, options, catalog, names } = props;
  const named = (list: Array<{ id: string; name: string }>) => list.map((o) => ({ value: o.id, label: o.name }));
  return (
    <form class="filters" method="get" action="/dashboard/violations">
      <SelectField name="status" label="Status" value={q.status} options={plainOptions(["open", "resolved"])} />
      <SelectField name="owner" label="Deal owner" value={q.owner} options={named(options.owners)} valueLabel={nameOf(names.owners, q.owner)} />
      <SelectField name="team" label="Team" value={q.team} options={named(options.teams)} valueLabel={nameOf(names.teams, q.team)} />
      <SelectField name="pipeline" label="Pipeline" value={q.pipeline} options={named(options.pipelines)} valueLabel={nameOf(names.pipelines, q.pipeline)} />
      <SelectField name="stage" label="Stage moved into" value={q.stage} groups={options.pipelines.map((p) => ({ label: p.name, options: named(p.stages) }))} valueLabel={nameOf(names.stages, q.stage)} />
      <SelectField name="policy" label="Policy" value={q.policy} options={catalog.map((p) => ({ value: p.id, label: p.description ?? p.id }))} />
      <SelectField name="rule" label="Rule" value={q.rule} groups={catalog.map((p) => ({ label: p.description ?? p.id, options: p.rules.map((r) => ({ value: r.id, label: r.description ?? r.id })) }))} />
      <SelectField name="severity" label="Severity" value={q.severity} options={plainOptions(["critical", "warning", "info"])} />
      <SelectField name="mode" label="Mode" value={q.mode} options={plainOptions(["enforce", "warn", "audit"])} />
      <TextField name="deal" label="Deal id" value={q.deal} />
      <label>From<input type="date" name="from" value={base.from ?? ""} /></label>
      <label>To<input type="date" name="to" value={base.to ?? ""} /></label>
      <label>
        Order
        <select name="sort">
          <option value="-occurred_at">Newest first</option>
          <option value="occurred_at" selected={q.sort === "occurred_at"}>Oldest first</option>
        </select>
      </label>
      <button class="primary" type="submit">Filter</button>
      <a class="button secondary" href="/dashboard/violations">Clear</a>
      <a class="button secondary" href={`/dashboard/violations.csv${toQueryString(base)}`}>Download CSV</a>
    </form>
  );
}
