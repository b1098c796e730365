// Audit mode: the violation is recorded with the actions that would have been taken; HubSpot is not written to.
import { beforeAll, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let audit: Harness;
beforeAll(async () => {
  audit = await createHarness({ policies: enforcePolicy("audit") });
}, 30_000);

describe("audit mode", () => {
  it("records the violation with the actions that would have run, and writes nothing to HubSpot", async () => {
    const { deal, owner } = await dealIn(audit, "appointmentscheduled");
    await audit.portal.clearCalls();
    await audit.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: owner.id } });
    await audit.drain();
    const calls = await audit.portal.calls();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.method !== "GET" && !c.path.includes("/batch/read"))).toEqual([]);
    expect((await audit.portal.getDeal(deal.id)).properties.dealstage).toBe("contractsent");
    expect(await audit.portal.listTasks(deal.id)).toEqual([]);
    const v = await rows<{ rule_id: string; mode: string; actions: string; reverted: number; task_id: string | null }>(
      "SELECT rule_id, mode, actions, reverted, task_id FROM violations WHERE deal_id = ?",
      deal.id,
    );
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ rule_id: "no-skip", mode: "audit", reverted: 0, task_id: null });
    const actions = JSON.parse(v[0]?.actions ?? "[]") as Array<{ type: string; outcome: string }>;
    expect(actions.map((a) => `${a.type}:${a.outcome}`)).toEqual(["task:would-run", "revert:would-run"]);
  }, 30_000);
});

