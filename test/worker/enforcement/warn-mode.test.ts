// Warn mode, between audit and enforce: the rep gets the rule's task, nothing is reverted; the revert is recorded as
// what enforce would have done. A rule whose only action is the revert gives the rep a task in its place.
import { beforeAll, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

const REVERT_ONLY = `apiVersion: governance/v1
kind: DealPolicy
id: test-warn-revert
mode: warn
scope: { pipelines: [default] }
rules:
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    message: "{{new.dealname}} jumped from {{change.from.label}} to {{change.to.label}}"
    actions: [revert]
`;

let warn: Harness;
let revertOnly: Harness;
beforeAll(async () => {
  [warn, revertOnly] = await Promise.all([createHarness({ policies: enforcePolicy("warn") }), createHarness({ policies: REVERT_ONLY })]);
}, 60_000);

type Row = { rule_id: string; mode: string; actions: string; reverted: number; task_id: string | null };
const outcomesOf = (row: Row | undefined) => (JSON.parse(row?.actions ?? "[]") as Array<{ type: string; outcome: string }>).map((a) => `${a.type}:${a.outcome}`);

describe("warn mode", () => {
  it("creates the rep's task, leaves the deal where the rep put it, and records the revert as would-run", async () => {
    const { deal, owner } = await dealIn(warn, "appointmentscheduled");
    await warn.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: owner.id } });
    await warn.drain();
    expect((await warn.portal.getDeal(deal.id)).properties.dealstage).toBe("contractsent");
    const tasks = await warn.portal.listTasks(deal.id);
    expect(tasks.map((t) => [t.properties.hs_task_subject, t.properties.hubspot_owner_id])).toEqual([[`Stage skipped on ${deal.properties.dealname}`, owner.id]]);
    const v = await rows<Row>("SELECT rule_id, mode, actions, reverted, task_id FROM violations WHERE deal_id = ?", deal.id);
    expect(v.map((r) => [r.rule_id, r.mode, r.reverted])).toEqual([["no-skip", "warn", 0]]);
    expect(outcomesOf(v[0])).toEqual(["task:done", "revert:would-run"]);
    expect(v[0]?.task_id).toBe(tasks[0]?.id);
    // "What enforce would have done" counts the revert warn mode left undone, not the task it did create.
    const would = await rows<{ action: string; count: number }>("SELECT action, SUM(count) AS count FROM audit_action_rollup WHERE policy_id = 'test-warn' GROUP BY 1");
    expect(would).toEqual([{ action: "revert", count: 1 }]);
  }, 30_000);

  it("gives the rep a task in place of a revert-only rule's revert, once", async () => {
    const { deal, owner } = await dealIn(revertOnly, "appointmentscheduled");
    await revertOnly.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: owner.id } });
    await revertOnly.portal.flushWebhooks();
    const deliveries = await revertOnly.portal.takeDeliveries({ includeScheduled: true });
    const raw = deliveries.flatMap((d) => JSON.parse(d.body) as unknown[]);
    for (const d of deliveries) await revertOnly.portal.reportDelivery(d.deliveryId, 200);
    // HubSpot delivers at least once: three deliveries of the same change still make one task.
    for (let attempt = 0; attempt < 3; attempt++) await revertOnly.deliver(raw.map((e) => ({ ...(e as object), attemptNumber: attempt })));
    await revertOnly.drain();
    expect((await revertOnly.portal.getDeal(deal.id)).properties.dealstage).toBe("contractsent");
    const tasks = await revertOnly.portal.listTasks(deal.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.properties.hs_task_subject).toContain("Fix this deal:");
    expect(tasks[0]?.properties.hubspot_owner_id).toBe(owner.id);
    const v = await rows<Row>("SELECT rule_id, mode, actions, reverted, task_id FROM violations WHERE deal_id = ?", deal.id);
    expect(outcomesOf(v[0])).toEqual(["revert:would-run", "task:done"]);
  }, 30_000);
});
