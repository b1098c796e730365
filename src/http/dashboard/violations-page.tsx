// Violations list with the API's filters (same parameter names), keyset paging, and a CSV download.
import type { Context } from "hono";
import { AppError } from "../../errors";
import { loadDisplayNames, nameOf } from "../../store/display-names";
import { listViolations } from "../../store/violations-query";
import { streamViolationsCsv } from "../api/csv";
import { encodeCursor, parseQuery, ViolationsQuerySchema, type ViolationsQuery } from "../api/query-schemas";
import { toViolationFilter } from "../api/violations";
import type { AuthEnv } from "../auth";
import { formatTime, toQueryString } from "./format";
import { DataTable } from "./components/data-table";
import { plainOptions, SelectField, TextField } from "./components/filter-fields";
import { Badge, Layout } from "./layout";

const dateValue = (ms: number | undefined, end: boolean) => (ms === undefined ? "" : new Date(end ? ms - 1 : ms).toISOString().slice(0, 10));

/** The filter values as a query string (no cursor), for links and the CSV download. */
function filterQuery(q: ViolationsQuery): Record<string, string | undefined> {
  return {
    status: q.status, owner: q.owner, team: q.team, policy: q.policy, rule: q.rule, severity: q.severity, mode: q.mode,
    pipeline: q.pipeline, stage: q.stage, deal: q.deal, from: dateValue(q.from, false) || undefined, to: dateValue(q.to, true) || undefined,
    sort: q.sort === "occurred_at" ? "occurred_at" : undefined,
  };
}

export async function violationsPage(c: Context<AuthEnv>): Promise<Response> {
  const principal = c.get("principal");
  const q = parseQuery(ViolationsQuerySchema, c.req.url);
  const filter = toViolationFilter(q, principal);
  const sort = q.sort === "occurred_at" ? "asc" : "desc";
  if (q.cursor && q.cursor.s !== sort) throw new AppError("INVALID_QUERY", "invalid query parameters: cursor", [{ field: "cursor", message: "was issued for the other sort order" }]);
  const page = await listViolations(c.env.DB, filter, { sort, limit: q.limit, after: q.cursor ? { occurredAt: q.cursor.t, id: q.cursor.i } : undefined });
  const names = await loadDisplayNames(c.env.DB, { owners: page.items.map((v) => v.ownerId), stages: page.items.map((v) => v.toStage) });
  const base = filterQuery(q);
  const nextHref = page.next ? `/dashboard/violations${toQueryString({ ...base, limit: q.limit === 50 ? undefined : q.limit, cursor: encodeCursor({ t: page.next.occurredAt, i: page.next.id, s: sort }) })}` : null;
  return c.html(
    <Layout title="Violations" principal={principal} active="violations">
      <h1>Violations</h1>
      <p class="sub">Every rule a deal change broke, newest first. Filters use the same names as <code>GET /api/violations</code>.</p>
      <form class="filters" method="get" action="/dashboard/violations">
        <SelectField name="status" label="Status" value={q.status} options={plainOptions(["open", "resolved"])} />
        <SelectField name="severity" label="Severity" value={q.severity} options={plainOptions(["critical", "warning", "info"])} />
        <SelectField name="mode" label="Mode" value={q.mode} options={plainOptions(["enforce", "audit"])} />
        <TextField name="owner" label="Owner id" value={q.owner} />
        <TextField name="team" label="Team id" value={q.team} />
        <TextField name="policy" label="Policy" value={q.policy} />
        <TextField name="rule" label="Rule" value={q.rule} />
        <TextField name="pipeline" label="Pipeline" value={q.pipeline} />
        <TextField name="stage" label="Stage" value={q.stage} />
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
      <div class="card">
        <DataTable
          id="violations"
          rows={page.items}
          empty={{ title: "No violations match these filters", hint: "Widen the date range or clear a filter." }}
          columns={[
            { header: "When", nowrap: true, cell: (v) => formatTime(v.occurredAt) },
            { header: "Deal", cell: (v) => <a href={`/dashboard/violations/${encodeURIComponent(v.id)}`}>{v.dealName ?? `Deal ${v.dealId}`}</a> },
            { header: "Rule", cell: (v) => <>{v.ruleId}<div class="muted">{v.policyId}</div></> },
            { header: "Stage change", cell: (v) => `${v.fromStageLabel ?? nameOf(names.stages, v.fromStage)} → ${v.toStageLabel ?? nameOf(names.stages, v.toStage)}` },
            { header: "Rep", cell: (v) => (v.ownerId ? <a href={`/dashboard/reps/${encodeURIComponent(v.ownerId)}`}>{nameOf(names.owners, v.ownerId)}</a> : "—") },
            { header: "Severity", cell: (v) => <Badge kind={v.severity}>{v.severity}</Badge> },
            { header: "Mode", cell: (v) => <Badge kind={v.mode}>{v.mode}</Badge> },
            { header: "Status", cell: (v) => <Badge kind={v.status}>{v.status}</Badge> },
          ]}
        />
        <div class="pager">
          <span>{page.items.length} shown{q.cursor ? " (continued)" : ""}</span>
          <span>
            {q.cursor ? <a href={`/dashboard/violations${toQueryString(base)}`}>First page</a> : null}
            {nextHref ? <> · <a href={nextHref} rel="next">Next page →</a></> : null}
          </span>
        </div>
      </div>
    </Layout>,
  );
}

export async function violationsCsv(c: Context<AuthEnv>): Promise<Response> {
  const q = parseQuery(ViolationsQuerySchema, c.req.url);
  const filter = toViolationFilter(q, c.get("principal"));
  return new Response(streamViolationsCsv(c.env.DB, filter, q.sort === "occurred_at" ? "asc" : "desc"), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="violations.csv"' },
  });
}
