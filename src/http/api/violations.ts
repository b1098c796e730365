// GET /api/violations (filters, keyset pages, CSV) and GET /api/violations/{id} (trace, actions, source events).
import { Hono } from "hono";
import { AppError } from "../../errors";
import { getViolation, listViolations, type ViolationFilter } from "../../store/violations-query";
import { canSeeTeam, resolveTeamScope, type Principal } from "../auth";
import type { AuthEnv } from "../auth";
import { streamViolationsCsv } from "./csv";
import { listCatalog, readModeOverride } from "./policy-catalog";
import { resolveFilterNames } from "./resolve-filters";
import { nameViolations } from "./with-names";
import { encodeCursor, parseQuery, PathIdSchema, ViolationsQuerySchema, type ViolationsQuery } from "./query-schemas";

/** Maps the validated query to a store filter, applying the principal's team scope (403 outside it). */
export function toViolationFilter(q: ViolationsQuery, principal: Principal): ViolationFilter {
  return {
    status: q.status,
    ownerId: q.owner,
    teams: resolveTeamScope(principal, q.team),
    policyId: q.policy,
    ruleId: q.rule,
    severity: q.severity,
    mode: q.mode,
    pipelineId: q.pipeline,
    stage: q.stage,
    dealId: q.deal,
    from: q.from,
    to: q.to,
  };
}

export function violationRoutes(): Hono<AuthEnv> {
  const routes = new Hono<AuthEnv>();
  routes.get("/", async (c) => {
    const catalog = listCatalog(readModeOverride(c.env.POLICY_MODE_OVERRIDE));
    const q = await resolveFilterNames(c.env.DB, parseQuery(ViolationsQuerySchema, c.req.url), catalog);
    const filter = toViolationFilter(q, c.get("principal"));
    const sort = q.sort === "occurred_at" ? "asc" : "desc";
    if (q.cursor && q.cursor.s !== sort) throw new AppError("INVALID_QUERY", "invalid query parameters: cursor", [{ field: "cursor", message: "was issued for the other sort order" }]);
    const after = q.cursor ? { occurredAt: q.cursor.t, id: q.cursor.i } : undefined;
    if (q.format === "csv") {
      return new Response(streamViolationsCsv(c.env.DB, filter, sort, catalog, after), {
        headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="violations.csv"' },
      });
    }
    const page = await listViolations(c.env.DB, filter, { sort, limit: q.limit, after });
    const nextCursor = page.next ? encodeCursor({ t: page.next.occurredAt, i: page.next.id, s: sort }) : null;
    return c.json({ items: await nameViolations(c.env.DB, page.items, catalog), nextCursor });
  });
  routes.get("/:id", async (c) => {
    const id = PathIdSchema.safeParse(c.req.param("id"));
    if (!id.success) throw new AppError("INVALID_QUERY", "invalid path parameter: id", [{ field: "id", message: id.error.issues[0]?.message ?? "invalid" }]);
    const violation = await getViolation(c.env.DB, id.data);
    if (!violation) throw new AppError("NOT_FOUND", "no violation with that id");
    if (!canSeeTeam(c.get("principal"), violation.teamId)) throw new AppError("FORBIDDEN", "that violation belongs to a team outside this token's teams");
    const [named] = await nameViolations(c.env.DB, [violation], listCatalog(readModeOverride(c.env.POLICY_MODE_OVERRIDE)));
    return c.json(named ?? violation);
  });
  return routes;
}
