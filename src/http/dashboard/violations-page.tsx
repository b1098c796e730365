// Violations list with the API's filters (same parameter names), keyset paging, and a CSV download.
import type { Context } from "hono";
import { AppError } from "../../errors";
import { loadDisplayNames, loadFilterOptions, nameOf } from "../../store/display-names";
import { listViolations } from "../../store/violations-query";
import { streamViolationsCsv } from "../api/csv";
import { encodeCursor, parseQuery, ViolationsQuerySchema, type ViolationsQuery } from "../api/query-schemas";
import { listCatalog, readModeOverride, ruleLabels } from "../api/policy-catalog";
import { resolveFilterNames } from "../api/resolve-filters";
import { toViolationFilter } from "../api/violations";
import type { AuthEnv } from "../auth";
import { DataTable } from "./components/data-table";
import { actorName, formatTime, toQueryString } from "./format";
import { Badge, Layout } from "./layout";
import { ViolationsFilters } from "./violations-filters";

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
  const catalog = listCatalog(readModeOverride(c.env.POLICY_MODE_OVERRIDE));
  const q = await resolveFilterNames(c.env.DB, parseQuery(ViolationsQuerySchema, c.req.url), catalog);
  const filter = toViolationFilter(q, principal);
  const sort = q.sort === "occurred_at" ? "asc" : "desc";
  if (q.cursor && q.cursor.s !== sort) throw new AppError("INVALID_QUERY", "invalid query parameters: cursor", [{ field: "cursor", message: "was issued for the other sort order" }]);
  const page = await listViolations(c.env.DB, filter, { sort, limit: q.limit, after: q.cursor ? { occurredAt: q.cursor.t, id: q.cursor.i } : undefined });
  const [names, options] = await Promise.all([
    loadDisplayNames(c.env.DB, { owners: [...page.items.map((v) => v.ownerId), q.owner ?? null], users: page.items.map((v) => v.actorUserId), teams: [q.team ?? null], stages: [...page.items.flatMap((v) => [v.fromStage, v.toStage]), q.stage ?? null] }),
    loadFilterOptions(c.env.DB, principal.teams),
  ]);
  const rule = ruleLabels(catalog);
  const base = filterQuery(q);
  const nextHref = page.next ? `/dashboard/violations${toQueryString({ ...base, limit: q.limit === 50 ? undefined : q.limit, cursor: encodeCursor({ t: page.next.occurredAt, i: page.next.id, s: sort }) })}` : null;
  return c.html(
    <Layout title="Violations" principal={principal} active="violations">
      <h1>Violations</h1>
      <p class="sub">Every rule a deal change broke, newest first. Filters take names here and in <code>GET /api/violations</code> (which also takes ids).</p>
      <ViolationsFilters q={q} base={base} options={options} catalog={catalog} names={names} />
      <div class="card">
        <DataTable
          id="violations"
          rows={page.items}
          empty={{ title: "No violations match these filters", hint: "Widen the date range or clear a filter." }}
          columns={[
            { header: "When", nowrap: true, cell: (v) => formatTime(v.occurredAt) },
            { header: "Deal", cell: (v) => <a href={`/dashboard/violations/${encodeURIComponent(v.id)}`}>{v.dealName ?? `Deal ${v.dealId}`}</a> },
            { header: "Rule", cell: (v) => rule(v.policyId, v.ruleId) },
            { header: "Stage change", cell: (v) => `${v.fromStageLabel ?? nameOf(names.stages, v.fromStage)} → ${v.toStageLabel ?? nameOf(names.stages, v.toStage)}` },
            { header: "Changed by", cell: (v) => actorName(names, v.actorUserId, v.changeSource) },
            { header: "Deal owner", cell: (v) => (v.ownerId ? <a href={`/dashboard/reps/${encodeURIComponent(v.ownerId)}`}>{nameOf(names.owners, v.ownerId)}</a> : "—") },
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
  const catalog = listCatalog(readModeOverride(c.env.POLICY_MODE_OVERRIDE));
  const q = await resolveFilterNames(c.env.DB, parseQuery(ViolationsQuerySchema, c.req.url), catalog);
  const filter = toViolationFilter(q, c.get("principal"));
  return new Response(streamViolationsCsv(c.env.DB, filter, q.sort === "occurred_at" ? "asc" : "desc", catalog), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="violations.csv"' },
  });
}
