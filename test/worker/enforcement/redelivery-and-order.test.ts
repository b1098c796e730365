// A batch redelivered 10 times (through the inbox, and straight into
// enforcement past it) creates one task; an out-of-order batch gets the verdicts of the in-order one.
import { beforeAll, describe, expect, it } from "vitest";
import { normaliseEvent, RawEventSchema } from "../../../src/hubspot/events";
import { readConfig } from "../../../src/env";
import { enforceDealEvents } from "../../../src/enforcement";
import { createHarness, enforcePolicy, rows, SIM_PROPERTIES, type Harness } from "./harness";
import { recordEngineWriteStatements } from "../../../src/store/engine-writes";
import { dealIn } from "./deal-fixtures";

let enforce: Harness;
beforeAll(async () => {
  enforce = await createHarness({ policies: enforcePolicy("enforce").replace("id: test-enforce", "id: test-enforce-2") });
}, 30_000);

describe("idempotency and ordering", () => {
  it("creates one task when the same batch is redelivered 10 times", async () => {
    const { deal, owner } = await dealIn(enforce, "appointmentscheduled");
    await enforce.portal.moveStage(deal.id, "qualifiedtobuy", { as: { kind: "user", ownerId: owner.id } });
    await enforce.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await enforce.portal.flushWebhooks();
    const deliveries = await enforce.portal.takeDeliveries({ includeScheduled: true });
    const raw = deliveries.flatMap((d) => JSON.parse(d.body) as unknown[]);
    for (const d of deliveries) await enforce.portal.reportDelivery(d.deliveryId, 200);
    for (let attempt = 0; attempt < 10; attempt++) {
      await enforce.deliver(raw.map((e) => ({ ...(e as object), attemptNumber: attempt })));
    }
    // Past the inbox too: enforcement itself must be idempotent (a retried message re-runs it).
    const config = readConfig(enforce.env);
    if (!config.ok) throw new Error(config.problems.join());
    const events = raw.map((e) => normaliseEvent(RawEventSchema.parse(e)));
    for (let i = 0; i < 10; i++) {
      const outcome = await enforceDealEvents(events, {
        env: enforce.env, config: config.config, now: Date.now,
        policyFiles: [{ path: "policies/test.yaml", text: enforcePolicy("enforce").replace("id: test-enforce", "id: test-enforce-2") }],
        portalProperties: SIM_PROPERTIES,
      });
      expect(outcome.ok).toBe(true);
    }
    await enforce.drain();
    expect(await enforce.portal.listTasks(deal.id)).toHaveLength(1);
    const v = await rows<{ rule_id: string; occurred_at: number; to_stage: string }>("SELECT rule_id, occurred_at, to_stage FROM violations WHERE deal_id = ?", deal.id);
    expect(v).toHaveLength(1);
    const t = await rows<{ n: number }>("SELECT count(*) AS n FROM stage_transitions WHERE deal_id = ?", deal.id);
    expect(t[0]?.n).toBe(3);
  }, 30_000);

  it("judges an out-of-order batch as if it arrived in order", async () => {
    const { deal, owner } = await dealIn(enforce, "appointmentscheduled", { amount: "900", closedate: String(Date.now() + 86_400_000) });
    await enforce.portal.moveStage(deal.id, "qualifiedtobuy", { as: { kind: "user", ownerId: owner.id } });
    await enforce.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await enforce.portal.moveStage(deal.id, "decisionmakerboughtin", { as: { kind: "user", ownerId: owner.id } });
    await enforce.drain({ reorder: true });
    // In order these are three single steps: no skip, nothing missing, nothing reverted.
    const v = await rows<{ rule_id: string }>("SELECT rule_id FROM violations WHERE deal_id = ?", deal.id);
    expect(v).toEqual([]);
    expect((await enforce.portal.getDeal(deal.id)).properties.dealstage).toBe("decisionmakerboughtin");
    const t = await rows<{ from_stage: string | null; to_stage: string }>(
      "SELECT from_stage, to_stage FROM stage_transitions WHERE deal_id = ? ORDER BY occurred_at",
      deal.id,
    );
    expect(t.map((x) => `${x.from_stage}>${x.to_stage}`)).toEqual([
      "null>appointmentscheduled",
      "appointmentscheduled>qualifiedtobuy",
      "qualifiedtobuy>presentationscheduled",
      "presentationscheduled>decisionmakerboughtin",
    ]);
  }, 30_000);

  it("ignores the engine's own echo (a recorded engine write coming back) without evaluating it", async () => {
    const { deal } = await dealIn(enforce, "appointmentscheduled");
    await enforce.env.DB.batch(recordEngineWriteStatements(enforce.env.DB, [{ dealId: deal.id, property: "dealstage", value: "closedwon", violationId: "v-echo" }], Date.now()));
    await enforce.portal.clearCalls();
    const appId = Number(enforce.env.HUBSPOT_APP_ID);
    await enforce.deliver([
      {
        eventId: 777001, subscriptionId: 1, portalId: Number(enforce.env.HUBSPOT_PORTAL_ID), appId, occurredAt: Date.now(),
        subscriptionType: "deal.propertyChange", attemptNumber: 0, objectId: Number(deal.id), propertyName: "dealstage",
        propertyValue: "closedwon", changeSource: "INTEGRATION", sourceId: String(appId),
      },
    ]);
    expect(await enforce.portal.calls()).toEqual([]);
    const inbox = await rows<{ status: string; status_reason: string }>("SELECT status, status_reason FROM inbox_events WHERE event_id = '777001'");
    expect(inbox).toEqual([{ status: "ignored", status_reason: "engine echo (own write)" }]);
  }, 30_000);
});
