// The governance facts query reads only the batch's deals: by the deal index, never by scanning every enforce-mode
// violation (which SQLite picks for `mode = 'enforce'` when it has no table statistics, as a fresh D1 database hasn't).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { governanceFactsSql, listGovernanceFacts } from "./governance";

describe("governanceFactsSql", () => {
  it("searches violations by deal_id, in the query and in its subquery", async () => {
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${governanceFactsSql(3)}`).bind("1", "2", "3").all<{ detail: string }>();
    const steps = plan.results.map((r) => r.detail);
    const searches = steps.filter((d) => /\bv\b|\bw\b|violations/.test(d) && /SEARCH|SCAN/.test(d));
    expect(searches).toHaveLength(2);
    for (const d of searches) expect(d).toMatch(/^SEARCH \w+ USING INDEX violations_deal \(deal_id=\?/);
  });

  it("answers for deals without violations with empty facts", async () => {
    const facts = await listGovernanceFacts(env.DB, ["no-such-deal"]);
    expect(facts.get("no-such-deal")).toEqual({ open: [], latest: null, excepted: false });
  });
});
