// notify-manager: the owner's manager (from MANAGER_MAP, here the simulator's team managers) gets a task on the deal.
import { beforeAll, describe, expect, it } from "vitest";
import { dealIn } from "./deal-fixtures";
import { createHarness, rows, type Harness } from "./harness";

const POLICY = `apiVersion: governance/v1
kind: DealPolicy
id: escalate
mode: enforce
severity: critical
scope: { pipelines: [default] }
rules:
  - id: contract-needs-next-step
    on: { stageEntered: Contract Sent }
    require: [hs_next_step]
    message: "{{new.dealname}} entered Contract Sent without {{missing}}"
    actions: [notify-manager, log]
`;

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: POLICY, withManagers: true });
}, 30_000);

describe("notify-manager", () => {
  it("creates a task for the owner's manager", async () => {
    const rep = h.seed.owners[1];
    const team = h.seed.teams.find((t) => rep?.teams.some((x) => x.id === t.id));
    const { deal, owner } = await dealIn(h, "decisionmakerboughtin", {}, 1);
    await h.portal.moveStage(deal.id, "contractsent", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    const tasks = await h.portal.listTasks(deal.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.properties.hubspot_owner_id).toBe(team?.managerOwnerId);
    expect(tasks[0]?.properties.hs_task_priority).toBe("HIGH");
    const v = await rows<{ actions: string }>("SELECT actions FROM violations WHERE deal_id = ?", deal.id);
    const actions = JSON.parse(v[0]?.actions ?? "[]") as Array<{ type: string; outcome: string }>;
    expect(actions.map((a) => `${a.type}:${a.outcome}`)).toEqual(["notify-manager:done", "log:done"]);
  }, 30_000);
});
