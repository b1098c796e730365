// A scan's stale-deal finding and the webhook path agree on days in stage: both count from the dealstage history, so
// an unrelated edit to the deal leaves the finding open, and writing the next step resolves it (task completed).
// Seeded deals carry weeks of backdated history, so "21 days in Contract Sent" is real time here.
import { beforeAll, describe, expect, it } from "vitest";
import { readConfig, type Config } from "../../../src/env";
import { scanOpenDeals } from "../../../src/enforcement/scan";
import { shippedPolicyFiles } from "../../../src/enforcement/shipped-policies";
import { createHarness, rows, SIM_PROPERTIES, type Harness } from "./harness";

const DAY = 86_400_000;
const shipped = shippedPolicyFiles().find((f) => f.path.endsWith("forecast-hygiene.yaml"));
if (shipped === undefined) throw new Error("forecast-hygiene.yaml is not bundled");
const POLICY = shipped.text.replace(/^mode: audit$/m, "mode: enforce");

let h: Harness;
let config: Config;
beforeAll(async () => {
  h = await createHarness({ policies: POLICY, portal: { seed: 7 } });
  await h.portal.seed({ pipelines: "default", teams: 2, ownersPerTeam: 2, deals: 120, historyDays: 120 });
  const read = readConfig(h.env);
  if (!read.ok) throw new Error(read.problems.join());
  config = read.config;
}, 60_000);

describe("a stale-deal finding and later changes to the deal", () => {
  it("stays open through an unrelated edit and is resolved by the next step", async () => {
    const now = Date.now();
    const candidates = (await h.portal.listDeals()).filter((d) => {
      const entries = d.history.dealstage ?? [];
      const last = entries.reduce((a, b) => (Date.parse(a.timestamp) >= Date.parse(b.timestamp) ? a : b), entries[0] ?? { value: "", timestamp: "0" });
      return d.properties.dealstage === "contractsent" && now - Date.parse(last.timestamp) > 30 * DAY && (d.properties.closedate ?? "") !== "";
    });
    const deal = candidates[0];
    expect(deal).toBeDefined();
    if (deal === undefined) return;
    const ownerId = deal.properties.hubspot_owner_id ?? "";
    // The next step was cleared while webhooks were down, and the close date is far out: only the stale rule applies.
    await h.portal.setKnobs({ webhook: { enabled: false } });
    await h.portal.updateDeal(deal.id, { hs_next_step: "", closedate: String(now + 200 * DAY) });
    await h.portal.setKnobs({ webhook: { enabled: true } });

    const found = await scanOpenDeals({ env: h.env, config, now: Date.now(), maxPages: 5, policyFiles: [{ path: "policies/forecast-hygiene.yaml", text: POLICY }], portalProperties: SIM_PROPERTIES });
    expect(found.stopped).toBeNull();
    const stale = () => rows<{ status: string; resolved_by: string | null }>("SELECT status, resolved_by FROM violations WHERE deal_id = ? AND rule_id = 'stale-contract-needs-next-step'", deal.id);
    expect(await stale()).toEqual([{ status: "open", resolved_by: null }]);
    expect(await h.portal.listTasks(deal.id)).toHaveLength(1);

    await h.portal.updateDeal(deal.id, { amount: "12345" }, { kind: "user", ownerId });
    await h.drain();
    expect(await stale()).toEqual([{ status: "open", resolved_by: null }]);

    await h.portal.updateDeal(deal.id, { hs_next_step: "Call legal on Monday" }, { kind: "user", ownerId });
    await h.drain();
    expect((await stale())[0]?.status).toBe("resolved");
    const [task] = await h.portal.listTasks(deal.id);
    expect(task?.properties.hs_task_status).toBe("COMPLETED");
  }, 60_000);
});
