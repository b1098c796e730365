// Policy page: hits per rule, audit vs enforce, and what enforce mode would have done for audit-mode hits.
import type { Context } from "hono";
import { AppError } from "../../errors";
import { getPolicyStats } from "../../store/policy-query";
import { parseQuery, PathIdSchema, resolveWindow, WindowQuerySchema } from "../api/query-schemas";
import type { AuthEnv } from "../auth";
import { formatDate } from "./format";
import { EmptyState, Layout } from "./layout";
import { RuleHits, VersionsSeen, WouldHaveDone } from "./policy-sections";
import { RuleCoverage } from "./rule-coverage";

export async function policyPage(c: Context<AuthEnv>): Promise<Response> {
  const id = PathIdSchema.safeParse(c.req.param("policyId"));
  if (!id.success) throw new AppError("NOT_FOUND", "There is no policy with that id.");
  const principal = c.get("principal");
  const q = parseQuery(WindowQuerySchema, c.req.url);
  const window = resolveWindow(q, Date.now());
  const p = await getPolicyStats(c.env.DB, { policyId: id.data, teams: principal.teams, ...window });
  const from = formatDate(p.window.from);
  const to = formatDate(new Date(window.to - 1).toISOString());
  return c.html(
    <Layout title={`Policy ${p.policyId}`} principal={principal}>
      <h1>Policy {p.policyId}</h1>
      <p class="sub">{from} to {to}</p>
      {p.rules.length === 0 ? (
        <div class="card"><EmptyState title="No hits in this window">Either every change complied, or this policy id is not in use.</EmptyState></div>
      ) : (
        <>
          <div class="grid">
            <RuleHits p={p} from={from} to={to} />
            <WouldHaveDone rows={p.wouldHaveDone} />
          </div>
          <VersionsSeen versions={p.versions} />
        </>
      )}
      <RuleCoverage policyId={p.policyId} />
    </Layout>,
  );
}
