// Reconciliation closes a webhook gap: a stage skip whose webhook never arrived is found by the search, replayed
// from HubSpot's history and enforced; a second run finds nothing left to do.
import { beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../../src/env";
import { reconcileRecentDeals } from "../../../src/jobs/cron/reconcile";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, SIM_PROPERTIES, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("enforce") });
}, 30_000);

describe("reconcileRecentDeals", () => {
  it("enforces a change whose webhook was missed, once", async () => {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", { amount: "5", closedate: String(Date.now() + 86_400_000) }, 0);
    await h.portal.setKnobs({ webhook: { enabled: false, mode: "outbox", flushMs: 0 } });
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    const config = readConfig(h.env);
    if (!config.ok) throw new Error(config.problems.join());
    const extra = { policyFiles: [{ path: "policies/test.yaml", text: enforcePolicy("enforce") }], portalProperties: SIM_PROPERTIES };

    const first = await reconcileRecentDeals(h.env, config.config, Date.now(), extra);
    expect(first).toMatchObject({ ok: true, value: { replayed: 1 } });
    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("appointmentscheduled");
    expect(await h.portal.listTasks(deal.id)).toHaveLength(1);
    expect(await rows("SELECT rule_id, change_source FROM violations WHERE deal_id = ?", deal.id)).toEqual([{ rule_id: "no-skip", change_source: "CRM_UI" }]);

    const second = await reconcileRecentDeals(h.env, config.config, Date.now(), extra);
    expect(second).toMatchObject({ ok: true, value: { replayed: 0 } });
    expect(await h.portal.listTasks(deal.id)).toHaveLength(1);
    const searches = await h.portal.calls({ pathIncludes: "/deals/search" });
    expect(searches.length).toBeGreaterThan(0);
    for (const s of searches) expect((s.body as { sorts: unknown[]; limit: number })).toMatchObject({ sorts: [{ propertyName: "hs_lastmodifieddate", direction: "DESCENDING" }], limit: 200 });
    await h.portal.setKnobs({ webhook: { enabled: true } });
  }, 30_000);

  it("never judges a change older than the last reconciled point", async () => {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", { amount: "5", closedate: String(Date.now() + 86_400_000) }, 0);
    await h.portal.setKnobs({ webhook: { enabled: false } });
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await new Promise((r) => setTimeout(r, 20));
    await h.env.DB.prepare("UPDATE reconcile_state SET watermark = ?").bind(Date.now()).run();
    const config = readConfig(h.env);
    if (!config.ok) throw new Error(config.problems.join());
    const run = await reconcileRecentDeals(h.env, config.config, Date.now(), { policyFiles: [{ path: "policies/test.yaml", text: enforcePolicy("enforce") }], portalProperties: SIM_PROPERTIES });
    expect(run).toMatchObject({ ok: true, value: { replayed: 0, tooOld: 1 } });
    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("presentationscheduled");
    expect(await rows("SELECT id FROM violations WHERE deal_id = ?", deal.id)).toEqual([]);
    await h.portal.setKnobs({ webhook: { enabled: true } });
  }, 30_000);

  it("on its first run never judges a change from before the engine was installed", async () => {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", { amount: "5", closedate: String(Date.now() + 86_400_000) }, 0);
    await h.portal.setKnobs({ webhook: { enabled: false } });
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await new Promise((r) => setTimeout(r, 20));
    // A fresh installation: no reconcile state and no event stored yet.
    await h.env.DB.batch([h.env.DB.prepare("DELETE FROM reconcile_state"), h.env.DB.prepare("DELETE FROM inbox_events"), h.env.DB.prepare("DELETE FROM deal_state")]);
    const config = readConfig(h.env);
    if (!config.ok) throw new Error(config.problems.join());
    const run = await reconcileRecentDeals(h.env, config.config, Date.now(), { policyFiles: [{ path: "policies/test.yaml", text: enforcePolicy("enforce") }], portalProperties: SIM_PROPERTIES });
    expect(run).toMatchObject({ ok: true, value: { replayed: 0 } });
    expect(run.ok && run.value.tooOld).toBeGreaterThanOrEqual(1);
    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("presentationscheduled");
    await h.portal.setKnobs({ webhook: { enabled: true } });
  }, 30_000);
});
