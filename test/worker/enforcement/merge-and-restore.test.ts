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
    // Logged on the surviving deal now (HubSpot shows only the survivor), like changes judged after the merge.
    const v = await rows<{ deal_id: string; status: string; resolved_by: string }>("SELECT deal_id, status, resolved_by FROM violations WHERE deal_id IN (?, ?)", merged.id, primary.id);
    expect(v).toEqual([{ deal_id: primary.id, status: "resolved", resolved_by: `merged:${primary.id}` }]);
    expect(await rows("SELECT deal_id FROM stage_transitions WHERE deal_id = ?", merged.id)).toEqual([]);
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

describe("a deal merged away before its events were processed", () => {
  it("judges its moves with its own history and logs them on the surviving deal; nothing is dropped", async () => {
    const { deal: primary, owner } = await dealIn(h, "appointmentscheduled", {}, 0);
    const { deal: merged } = await dealIn(h, "qualifiedtobuy", {}, 0);
    await h.portal.moveStage(merged.id, "contractsent", { as: { kind: "user", ownerId: owner.id } });
    await h.portal.flushWebhooks();
    const held = await h.portal.takeDeliveries({ includeScheduled: true });
    for (const d of held) await h.portal.reportDelivery(d.deliveryId, 200);
    await h.portal.merge(primary.id, merged.id, { kind: "user", ownerId: owner.id });
    await h.drain();
    // The move's batch arrives after the merge was processed (a retried delivery).
    for (const d of held) await h.deliver(JSON.parse(d.body) as unknown[]);

    const v = await rows<{ deal_id: string; rule_id: string; from_stage: string; to_stage: string; status: string; resolved_by: string }>(
      "SELECT deal_id, rule_id, from_stage, to_stage, status, resolved_by FROM violations WHERE to_stage = 'contractsent' AND deal_id IN (?, ?)", primary.id, merged.id,
    );
    expect(v).toEqual([{ deal_id: primary.id, rule_id: "no-skip", from_stage: "qualifiedtobuy", to_stage: "contractsent", status: "resolved", resolved_by: `merged:${primary.id}` }]);
    const moves = await rows<{ deal_id: string; from_stage: string; to_stage: string }>("SELECT deal_id, from_stage, to_stage FROM stage_transitions WHERE to_stage = 'contractsent' AND deal_id IN (?, ?)", primary.id, merged.id);
    expect(moves).toEqual([{ deal_id: primary.id, from_stage: "qualifiedtobuy", to_stage: "contractsent" }]);
    expect(await rows("SELECT status FROM inbox_events WHERE object_id = ? AND status = 'dropped'", merged.id)).toEqual([]);
    expect(await rows("SELECT status, merged_into FROM deal_state WHERE deal_id = ?", merged.id)).toEqual([{ status: "merged", merged_into: primary.id }]);
    expect(await rows("SELECT stage_id FROM deal_state WHERE deal_id = ?", primary.id)).toEqual([{ stage_id: "appointmentscheduled" }]);
  }, 30_000);
});

describe("delete and restore", () => {
  it("a restored deal has its open violation back as it was (a deletion closes nothing)", async () => {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", {}, 0);
    await h.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    await h.portal.deleteDeal(deal.id, { kind: "user", ownerId: owner.id });
    await h.drain();
    await h.portal.restoreDeal(deal.id, { kind: "user", ownerId: owner.id });
    await h.drain();
    expect(await rows("SELECT status FROM deal_state WHERE deal_id = ?", deal.id)).toEqual([{ status: "active" }]);
    expect(await rows("SELECT rule_id, status FROM violations WHERE deal_id = ?", deal.id)).toEqual([{ rule_id: "no-skip", status: "open" }]);
  }, 30_000);
});
