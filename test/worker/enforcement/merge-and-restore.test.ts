// Merges and restores: a merged-away deal is recorded as merged into the primary and its open violations are closed
// as merged; a restored deal is evaluated again like any other.
import { beforeAll, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("audit") });
}, 30_000);

describe("merges and restores", () => {
  it("marks the merged-away deal and resolves its open violations as merged", async () => {
    const { deal: primary, owner } = await dealIn(h, "appointmentscheduled", {}, 0);
    const { deal: merged } = await dealIn(h, "qualifiedtobuy", {}, 0);
    await h.portal.moveStage(merged.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    expect(await rows("SELECT status FROM violations WHERE deal_id = ?", merged.id)).toEqual([{ status: "open" }]);

    await h.portal.merge(primary.id, merged.id, { kind: "user", ownerId: owner.id });
    await h.drain();
    expect(await rows("SELECT status, merged_into FROM deal_state WHERE deal_id = ?", merged.id)).toEqual([{ status: "merged", merged_into: primary.id }]);
    const v = await rows<{ status: string; resolved_by: string }>("SELECT status, resolved_by FROM violations WHERE deal_id = ?", merged.id);
    expect(v).toEqual([{ status: "resolved", resolved_by: `merged:${primary.id}` }]);
  }, 30_000);

  it("evaluates a restored deal's later changes again", async () => {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", {}, 0);
    await h.portal.deleteDeal(deal.id, { kind: "user", ownerId: owner.id });
    await h.drain();
    expect(await rows("SELECT status FROM deal_state WHERE deal_id = ?", deal.id)).toEqual([{ status: "deleted" }]);
    await h.portal.restoreDeal(deal.id, { kind: "user", ownerId: owner.id });
    await h.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    expect(await rows("SELECT status FROM deal_state WHERE deal_id = ?", deal.id)).toEqual([{ status: "active" }]);
    expect(await rows("SELECT rule_id FROM violations WHERE deal_id = ?", deal.id)).toEqual([{ rule_id: "no-skip" }]);
  }, 30_000);
});
