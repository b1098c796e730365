// Late events and echoes: a skip delivered after the rep had moved the deal on (and back) is recorded but not
// reverted; a change carrying the engine's app id that the engine never wrote is judged like any other.
import { beforeAll, describe, expect, it } from "vitest";
import { crm } from "../../../sim/testing/crm";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy(), portal: { limits: { enabled: false } } });
}, 30_000);

const FILLED = { amount: "5000", closedate: "2027-01-01T00:00:00.000Z" };

describe("late events", () => {
  it("a skip delivered after the rep moved the deal on and back legitimately is recorded, not reverted", async () => {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", FILLED);
    const as = { kind: "user" as const, ownerId: owner.id };
    await h.portal.moveStage(deal.id, "decisionmakerboughtin", { as });
    await h.portal.flushWebhooks();
    const held = await h.portal.takeDeliveries({ includeScheduled: true });
    for (const d of held) await h.portal.reportDelivery(d.deliveryId, 200);
    await new Promise((r) => setTimeout(r, 1_100));
    await h.portal.moveStage(deal.id, "qualifiedtobuy", { as });
    await h.portal.moveStage(deal.id, "presentationscheduled", { as });
    await h.portal.moveStage(deal.id, "decisionmakerboughtin", { as });
    await h.drain();
    await h.deliver(held.flatMap((d) => JSON.parse(d.body) as unknown[]));
    await h.drain();
    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("decisionmakerboughtin");
    // No stage write for the deal (its governance properties may be written: that is no revert).
    const stageWrites = (await h.portal.calls({ pathIncludes: `/deals/batch/update` })).filter((x) => JSON.stringify(x.body).includes(deal.id) && JSON.stringify(x.body).includes("dealstage"));
    expect(stageWrites).toHaveLength(0);
    const v = await rows<{ actions: string; status: string; resolved_by: string }>("SELECT actions, status, resolved_by FROM violations WHERE deal_id = ?", deal.id);
    expect(v).toHaveLength(1);
    // The move back to Qualified To Buy (a stage the rule allows from Appointment Scheduled) ended the skip before the
    // engine saw it: recorded, resolved by the rep, nothing left to do.
    expect([v[0]?.status, v[0]?.resolved_by]).toEqual(["resolved", `userId:${owner.userId}`]);
    const actions = JSON.parse(v[0]?.actions ?? "[]") as Array<{ type: string; outcome: string; reason?: string }>;
    expect(actions.every((a) => a.outcome === "skipped")).toBe(true);
    expect(actions.find((a) => a.type === "revert")?.reason).toBe("the deal already complies");
    expect(await h.portal.listTasks(deal.id)).toHaveLength(0);
  }, 60_000);
});

describe("echoes", () => {
  it("a skip written through our app's token by another script (no engine write recorded) is judged and reverted", async () => {
    const { deal } = await dealIn(h, "appointmentscheduled", FILLED);
    const patch = await crm(h.portal, "PATCH", `/crm/v3/objects/deals/${deal.id}`, { properties: { dealstage: "decisionmakerboughtin" } });
    expect(patch.status).toBe(200);
    await h.drain();
    const v = await rows<{ reverted: number }>("SELECT reverted FROM violations WHERE deal_id = ?", deal.id);
    expect(v).toEqual([expect.objectContaining({ reverted: 1 })]);
    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("appointmentscheduled");
    // The engine's own revert came back as INTEGRATION too: that one is an echo, ignored.
    const ignored = await rows<{ n: number }>("SELECT count(*) AS n FROM inbox_events WHERE object_id = ? AND status = 'ignored'", deal.id);
    expect(ignored[0]?.n).toBeGreaterThan(0);
  }, 60_000);
});
