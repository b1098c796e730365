// Policy page: every rule of the policy with its description and plain condition, hits per rule and mode, what
// enforce mode would have done for audit- and warn-mode hits, and the versions that changed its rules (who, when, the
// difference). Reachable for every shipped policy, broken or not.
import type { Context } from "hono";
import { AppError } from "../../errors";
import { getPolicyStats } from "../../store/policy-query";
import { listPolicyVersions } from "../../store/policy-versions";
import { HISTORY_LIMIT, listCatalog, readModeOverride, ruleLabels } from "../api/policy-catalog";
import { parseQuery, PathIdSchema, resolveWindow, WindowQuerySchema } from "../api/query-schemas";
import type { AuthEnv } from "../auth";
import { formatDate } from "./format";
import { Layout } from "./layout";
import { backtestRecentChanges } from "./change-backtests";
import { VersionHistory } from "./policy-history";
import { mergeRuleRows, RuleHits, VersionsSeen, WouldHaveDone } from "./policy-sections";
import { RuleCoverage } from "./rule-coverage";

export async function policyPage(c: Context<AuthEnv>): Promise<Response> {
  const id = PathIdSchema.safeParse(c.req.param("policyId"));
  if (!id.success) throw new AppError("NOT_FOUND", "There is no policy with that id.");
  const principal = c.get("principal");
  const q = parseQuery(WindowQuerySchema, c.req.url);
  const window = resolveWindow(q, Date.now());
  const catalog = listCatalog(readModeOverride(c.env.POLICY_MODE_OVERRIDE));
  const shipped = catalog.find((p) => p.id === id.data);
  const [p, history] = await Promise.all([
    getPolicyStats(c.env.DB, { policyId: id.data, teams: principal.teams, ...window }),
    listPolicyVersions(c.env.DB, { policyId: id.data, limit: HISTORY_LIMIT }),
  ]);
  const backtests = principal.role === "admin" ? await backtestRecentChanges(c.env.DB, id.data, history) : new Map();
  if (!shipped && p.rules.length === 0 && history.length === 0) throw new AppError("NOT_FOUND", "There is no policy with that id.");
  const from = formatDate(p.window.from);
  const to = formatDate(new Date(window.to - 1).toISOString());
  const title = shipped?.description ?? p.policyId;
  return c.html(
    <Layout title={`Policy · ${title}`} principal={principal} active="policies">
      <p class="sub"><a href="/dashboard/policies">← Policies</a></p>
      <h1>{title}</h1>
      <p class="sub">
        {shipped ? `${shipped.rules.length} rules · ` : "No longer shipped · "}
        {from} to {to}
      </p>
      <div class="grid">
        <RuleHits policyId={p.policyId} rows={mergeRuleRows(shipped?.rules ?? [], p.rules)} from={from} to={to} />
        <WouldHaveDone rows={p.wouldHaveDone} rule={(ruleId) => ruleLabels(catalog)(p.policyId, ruleId)} />
      </div>
      <VersionHistory versions={history} rule={ruleLabels(catalog)} scope="this policy's rules" admin={principal.role === "admin"} backtests={backtests} />
      <VersionsSeen versions={p.versions} />
      <RuleCoverage policyId={p.policyId} rule={(ruleId) => ruleLabels(catalog)(p.policyId, ruleId)} />
    </Layout>,
  );
}
