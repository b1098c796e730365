// GET /api/policies: every shipped policy and rule with its description, plain `explain` sentence, mode, hits in the
// window (within the caller's teams) and a weekly trend — rules without a single hit included — and the policy set's
// version history (who changed which rule's mode or text, when, in which set version).
import { Hono } from "hono";
import { listRuleHits, type RuleHits } from "../../store/policy-hits-query";
import { weeksOf } from "../../store/summary-query";
import type { AuthEnv } from "../auth";
import { listPolicyVersions, type PolicyVersionItem } from "../../store/policy-versions";
import { HISTORY_LIMIT, listCatalog, readModeOverride, type CatalogPolicy, type CatalogRule } from "./policy-catalog";
import { parseQuery, resolveWindow, WindowQuerySchema } from "./query-schemas";

export interface IndexedRule extends CatalogRule {
  open: number;
  resolved: number;
  total: number;
  weekly: RuleHits["weekly"];
}
export interface IndexedPolicy extends Omit<CatalogPolicy, "rules"> {
  open: number;
  total: number;
  rules: IndexedRule[];
}
export interface PolicyIndex {
  window: { from: string; to: string };
  policies: IndexedPolicy[];
  /** The policy set's versions as the engine ran them, newest first, with each rule's difference. */
  history: PolicyVersionItem[];
}

/** Joins the catalog with the hits; hits of rules no longer shipped are listed under their policy id. */
export function buildPolicyIndex(catalog: readonly CatalogPolicy[], hits: readonly RuleHits[], window: { from: number; to: number }, history: PolicyVersionItem[] = []): PolicyIndex {
  const weeks = weeksOf(window.from, window.to);
  const key = (p: string, r: string) => `${p}\u0000${r}`;
  const byKey = new Map(hits.map((h) => [key(h.policyId, h.ruleId), h]));
  const policies: IndexedPolicy[] = catalog.map((p) => {
    const rules = p.rules.map((r) => {
      const h = byKey.get(key(p.id, r.id));
      byKey.delete(key(p.id, r.id));
      return { ...r, open: h?.open ?? 0, resolved: h?.resolved ?? 0, total: (h?.open ?? 0) + (h?.resolved ?? 0), weekly: h?.weekly ?? weeks.map((week) => ({ week, hits: 0 })) };
    });
    return { ...p, rules, open: rules.reduce((n, r) => n + r.open, 0), total: rules.reduce((n, r) => n + r.total, 0) };
  });
  for (const h of byKey.values()) {
    const rule: IndexedRule = { id: h.ruleId, description: null, explain: null, mode: "audit", severity: "info", actions: [], open: h.open, resolved: h.resolved, total: h.open + h.resolved, weekly: h.weekly };
    const owner = policies.find((p) => p.id === h.policyId);
    if (owner) owner.rules.push(rule);
    else policies.push({ id: h.policyId, description: null, version: "", file: "", mode: "audit", open: rule.open, total: rule.total, rules: [rule] });
  }
  return { window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() }, policies, history };
}

/** The index for a request: catalog (with POLICY_MODE_OVERRIDE applied) joined with the caller's hits. */
export async function loadPolicyIndex(env: { DB: D1Database; POLICY_MODE_OVERRIDE?: string }, teams: string[] | null, window: { from: number; to: number }): Promise<PolicyIndex> {
  const [hits, history] = await Promise.all([listRuleHits(env.DB, { teams, ...window }), listPolicyVersions(env.DB, { limit: HISTORY_LIMIT })]);
  return buildPolicyIndex(listCatalog(readModeOverride(env.POLICY_MODE_OVERRIDE)), hits, window, history);
}

export function policyIndexRoutes(): Hono<AuthEnv> {
  const routes = new Hono<AuthEnv>();
  routes.get("/", async (c) => {
    const q = parseQuery(WindowQuerySchema, c.req.url);
    const window = resolveWindow(q, Date.now());
    return c.json(await loadPolicyIndex(c.env, c.get("principal").teams, window));
  });
  return routes;
}
