// A portal subscribed to more than the engine needs: a change touching only properties no policy reads (a deal's
// description) can't trigger, change or make good a verdict, so it costs no HubSpot read and its events are marked
// ignored with the reason. So does an edit no rule fires on (a property checked only when a stage is entered) of a
// deal with no open violation. A change that also touches a property some rule reads is judged as before, and an edit
// of a deal with an open violation is read: it may make the violation good.
import { beforeAll, describe, expect, it } from "vitest";
import { FIRES_NO_RULE } from "../../../src/enforcement/split-unread";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("audit") });
}, 30_000);

const inbox = (dealId: string, property: string) =>
  rows<{ status: string; status_reason: string | null }>("SELECT status, status_reason FROM inbox_events WHERE object_id = ? AND property_name = ?", dealId, property);
const reads = async () => (await h.portal.calls()).filter((c) => c.path.includes("/deals/batch/read")).length;

describe("changes no policy reads", () => {
  it("cost no HubSpot read and are marked ignored, saying why", async () => {
    const { deal, owner } = await dealIn(h, "qualifiedtobuy");
    await h.portal.clearCalls();
    await h.portal.updateDeal(deal.id, { description: "Met the CFO" }, { kind: "user", ownerId: owner.id });
    await h.drain();
    expect(await reads()).toBe(0);
    expect(await inbox(deal.id, "description")).toEqual([{ status: "ignored", status_reason: "no policy reads the properties changed" }]);
  }, 60_000);

  it("are judged with the rest when the same batch also changes something a rule reads", async () => {
    const { deal, owner } = await dealIn(h, "qualifiedtobuy");
    await h.portal.clearCalls();
    const as = { kind: "user" as const, ownerId: owner.id };
    await h.portal.updateDeal(deal.id, { description: "Sent the deck" }, as);
    await h.portal.moveStage(deal.id, "decisionmakerboughtin", { as });
    await h.drain();
    expect(await reads()).toBeGreaterThan(0);
    expect(await inbox(deal.id, "description")).toEqual([{ status: "processed", status_reason: null }]);
    expect(await rows("SELECT rule_id FROM violations WHERE deal_id = ?", deal.id)).toContainEqual({ rule_id: "no-skip" });
  }, 60_000);

  it("an edit a rule checks only when a stage is entered costs no read while the deal has no open violation", async () => {
    const { deal, owner } = await dealIn(h, "qualifiedtobuy");
    await h.portal.clearCalls();
    await h.portal.updateDeal(deal.id, { amount: "12000" }, { kind: "user", ownerId: owner.id });
    await h.drain();
    expect(await reads()).toBe(0);
    expect(await inbox(deal.id, "amount")).toEqual([{ status: "ignored", status_reason: FIRES_NO_RULE }]);
  }, 60_000);

  it("the same edit is read when the deal has an open violation, and makes it good", async () => {
    const { deal, owner } = await dealIn(h, "qualifiedtobuy");
    const as = { kind: "user" as const, ownerId: owner.id };
    await h.portal.moveStage(deal.id, "presentationscheduled", { as });
    await h.drain();
    expect(await rows("SELECT rule_id, status FROM violations WHERE deal_id = ?", deal.id)).toEqual([{ rule_id: "presentation-needs-amount", status: "open" }]);
    await h.portal.clearCalls();
    await h.portal.updateDeal(deal.id, { amount: "12000", closedate: String(Date.now() + 30 * 86_400_000) }, as);
    await h.drain();
    expect(await reads()).toBeGreaterThan(0);
    expect(await inbox(deal.id, "amount")).toEqual([{ status: "processed", status_reason: null }]);
    expect(await rows("SELECT rule_id, status FROM violations WHERE deal_id = ?", deal.id)).toEqual([{ rule_id: "presentation-needs-amount", status: "resolved" }]);
  }, 60_000);
});
