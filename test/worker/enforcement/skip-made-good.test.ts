// A skip made good by the skipped stage's entry criteria, end to end (audit mode, so nothing is reverted): the rep
// fills what Presentation Scheduled asks for, the skip is resolved by that change, and the next one-step move is clean.
// Without the fill, the same next move is judged from the last compliant stage and is a violation again. Criteria the
// deal already met when it landed make nothing good: the skip stands (and in enforce mode is reverted).
import { beforeAll, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("audit") });
}, 30_000);

interface Row {
  rule_id: string;
  from_stage: string;
  to_stage: string;
  status: string;
  resolved_by: string | null;
}
const violations = (dealId: string) =>
  rows<Row>("SELECT rule_id, from_stage, to_stage, status, resolved_by FROM violations WHERE deal_id = ? ORDER BY occurred_at, rule_id", dealId);

describe("a skip past Presentation Scheduled", () => {
  it("is resolved when the deal gets the amount and close date Presentation Scheduled requires", async () => {
    const { deal, owner } = await dealIn(h, "qualifiedtobuy", {}, 0);
    const as = { kind: "user" as const, ownerId: owner.id };
    await h.portal.moveStage(deal.id, "decisionmakerboughtin", { as });
    await h.drain();
    expect(await violations(deal.id)).toEqual([{ rule_id: "no-skip", from_stage: "qualifiedtobuy", to_stage: "decisionmakerboughtin", status: "open", resolved_by: null }]);

    await h.portal.updateDeal(deal.id, { amount: "12000", closedate: String(Date.now() + 20 * 86_400_000) }, as);
    await h.drain();
    expect(await violations(deal.id)).toEqual([{ rule_id: "no-skip", from_stage: "qualifiedtobuy", to_stage: "decisionmakerboughtin", status: "resolved", resolved_by: `userId:${owner.userId}` }]);

    // One step on from a made-good skip is a legitimate move.
    await h.portal.moveStage(deal.id, "contractsent", { as });
    await h.drain();
    expect((await violations(deal.id)).filter((v) => v.status === "open")).toEqual([]);
  }, 60_000);

  it("stays open when the deal already met the criteria as it landed: a later unrelated edit is no fix", async () => {
    const { deal, owner } = await dealIn(h, "qualifiedtobuy", { amount: "12000", closedate: String(Date.now() + 20 * 86_400_000) }, 0);
    const as = { kind: "user" as const, ownerId: owner.id };
    await h.portal.moveStage(deal.id, "decisionmakerboughtin", { as });
    await h.drain();
    await h.portal.updateDeal(deal.id, { description: "Met the CFO" }, as);
    await h.drain();
    expect(await violations(deal.id)).toEqual([{ rule_id: "no-skip", from_stage: "qualifiedtobuy", to_stage: "decisionmakerboughtin", status: "open", resolved_by: null }]);
  }, 60_000);

  it("stays open without the criteria, and moving further on is judged from the last compliant stage", async () => {
    const { deal, owner } = await dealIn(h, "qualifiedtobuy", {}, 0);
    const as = { kind: "user" as const, ownerId: owner.id };
    await h.portal.moveStage(deal.id, "decisionmakerboughtin", { as });
    await h.drain();
    await h.portal.updateDeal(deal.id, { amount: "12000" }, as); // the close date is still missing
    await h.drain();
    await h.portal.moveStage(deal.id, "contractsent", { as });
    await h.drain();
    const open = (await violations(deal.id)).filter((v) => v.status === "open");
    expect(open.map((v) => [v.rule_id, v.from_stage, v.to_stage])).toEqual([
      ["no-skip", "qualifiedtobuy", "decisionmakerboughtin"],
      ["no-skip", "qualifiedtobuy", "contractsent"],
    ]);
  }, 60_000);
});

describe("enforce mode", () => {
  let enforced: Harness;
  beforeAll(async () => {
    enforced = await createHarness({ policies: enforcePolicy("enforce") });
  }, 30_000);

  it("a skip over a stage whose criteria the deal already meets is still a skip: reverted (maxSkip says so)", async () => {
    const { deal, owner } = await dealIn(enforced, "qualifiedtobuy", { amount: "12000", closedate: String(Date.now() + 20 * 86_400_000) }, 0);
    await enforced.portal.moveStage(deal.id, "decisionmakerboughtin", { as: { kind: "user", ownerId: owner.id } });
    await enforced.drain();
    expect((await enforced.portal.getDeal(deal.id)).properties.dealstage).toBe("qualifiedtobuy");
    const [v] = await violations(deal.id);
    expect(v).toMatchObject({ rule_id: "no-skip", from_stage: "qualifiedtobuy", to_stage: "decisionmakerboughtin" });
  }, 60_000);

  it("a skip over a stage whose criteria are missing is still reverted", async () => {
    const { deal, owner } = await dealIn(enforced, "qualifiedtobuy", {}, 0);
    await enforced.portal.moveStage(deal.id, "decisionmakerboughtin", { as: { kind: "user", ownerId: owner.id } });
    await enforced.drain();
    expect((await enforced.portal.getDeal(deal.id)).properties.dealstage).toBe("qualifiedtobuy");
  }, 60_000);
});
