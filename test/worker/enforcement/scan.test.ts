// The scheduled rule scan over the simulator: the shipped forecast-hygiene rules (switched to enforce, so tasks are
// created) judged at a scan time in the future. A finding is recorded once across scans, its task created once, and
// resolved — the task completed — by a later scan or by a change to the deal.
import { beforeAll, describe, expect, it } from "vitest";
import { readConfig, type Config } from "../../../src/env";
import { scanOpenDeals, type ScanDeps } from "../../../src/enforcement/scan";
import { shippedPolicyFiles } from "../../../src/enforcement/shipped-policies";
import { dealIn } from "./deal-fixtures";
import { createHarness, rows, SIM_PROPERTIES, type Harness } from "./harness";

const DAY = 86_400_000;
const shipped = shippedPolicyFiles().find((f) => f.path.endsWith("forecast-hygiene.yaml"));
if (shipped === undefined) throw new Error("forecast-hygiene.yaml is not bundled");
const POLICY = shipped.text.replace(/^mode: audit$/m, "mode: enforce");

let h: Harness;
let config: Config;
beforeAll(async () => {
  h = await createHarness({ policies: POLICY });
  const read = readConfig(h.env);
  if (!read.ok) throw new Error(read.problems.join());
  config = read.config;
}, 30_000);

function scan(now: number, extra: Partial<ScanDeps> = {}) {
  return scanOpenDeals({ env: h.env, config, now, maxPages: 5, policyFiles: [{ path: "policies/forecast-hygiene.yaml", text: POLICY }], portalProperties: SIM_PROPERTIES, ...extra });
}

const violationsOf = (dealId: string) => rows<{ rule_id: string; status: string; resolved_by: string | null; change_source: string }>("SELECT rule_id, status, resolved_by, change_source FROM violations WHERE deal_id = ? ORDER BY detected_at", dealId);

describe("the scheduled rule scan", () => {
  it("flags a deal stale in Contract Sent once across scans, creates its task once, and resolves both when a later scan finds a next step", async () => {
    const { deal } = await dealIn(h, "contractsent", { amount: "9000", closedate: String(Date.now() + 400 * DAY) });
    const t0 = Date.now();

    const early = await scan(t0 + 10 * DAY);
    expect(early).toMatchObject({ stopped: null, violations: 0, tasksCreated: 0 });

    const first = await scan(t0 + 25 * DAY);
    expect(first).toMatchObject({ stopped: null, passComplete: true, violations: 1, tasksCreated: 1 });
    expect(await violationsOf(deal.id)).toEqual([{ rule_id: "stale-contract-needs-next-step", status: "open", resolved_by: null, change_source: "SCAN" }]);
    const tasks = await h.portal.listTasks(deal.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.properties.hs_task_subject).toBe("Set the next step on Globex");
    const [row] = await rows<{ message: string }>("SELECT message FROM violations WHERE deal_id = ?", deal.id);
    expect(row?.message).toBe("Globex has been in Contract Sent for 25 days without a next step");

    const second = await scan(t0 + 26 * DAY);
    expect(second).toMatchObject({ stopped: null, violations: 0, tasksCreated: 0 });
    expect(await violationsOf(deal.id)).toHaveLength(1);
    expect(await h.portal.listTasks(deal.id)).toHaveLength(1);

    // The rep writes a next step; its webhook is lost, so only the scan can see it.
    await h.portal.setKnobs({ webhook: { enabled: false } });
    await h.portal.updateDeal(deal.id, { hs_next_step: "Legal review call on Friday" });
    await h.portal.setKnobs({ webhook: { enabled: true } });
    const third = await scan(t0 + 27 * DAY);
    expect(third).toMatchObject({ stopped: null, violations: 0, resolved: 1, tasksCreated: 0 });
    expect(await violationsOf(deal.id)).toEqual([{ rule_id: "stale-contract-needs-next-step", status: "resolved", resolved_by: "SCAN", change_source: "SCAN" }]);
    const [task] = await h.portal.listTasks(deal.id);
    expect(task?.properties.hs_task_status).toBe("COMPLETED");

    expect(await scan(t0 + 28 * DAY)).toMatchObject({ violations: 0, resolved: 0, tasksCreated: 0 });
    expect(await h.portal.listTasks(deal.id)).toHaveLength(1);
  }, 60_000);

  it("flags a close date that passed, and a change of the close date resolves it and completes the task", async () => {
    // Created while webhooks were down: only the scan sees the past close date.
    const owner = h.seed.owners[1];
    if (owner === undefined) throw new Error("no owner");
    await h.portal.setKnobs({ webhook: { enabled: false } });
    const deal = await h.portal.createDeal({
      properties: { dealname: "Initech", pipeline: "default", dealstage: "qualifiedtobuy", hubspot_owner_id: owner.id, amount: "500", closedate: String(Date.now() - 3 * DAY) },
      as: { kind: "user", ownerId: owner.id },
    });
    await h.portal.setKnobs({ webhook: { enabled: true } });
    const first = await scan(Date.now());
    expect(first).toMatchObject({ stopped: null });
    expect(await violationsOf(deal.id)).toEqual([{ rule_id: "close-date-not-in-past", status: "open", resolved_by: null, change_source: "SCAN" }]);
    expect(await h.portal.listTasks(deal.id)).toHaveLength(1);

    await h.portal.updateDeal(deal.id, { closedate: String(Date.now() + 90 * DAY) }, { kind: "user", ownerId: owner.id });
    await h.drain();
    // The push itself is recorded as info (close-date-pushed); the scan's finding is resolved by the change.
    const after = (await violationsOf(deal.id)).find((v) => v.rule_id === "close-date-not-in-past");
    expect(after).toMatchObject({ status: "resolved" });
    expect(after?.resolved_by).not.toBe("SCAN");
    const [task] = await h.portal.listTasks(deal.id);
    expect(task?.properties.hs_task_status).toBe("COMPLETED");

    expect(await scan(Date.now())).toMatchObject({ stopped: null });
    expect((await violationsOf(deal.id)).map((v) => v.rule_id).sort()).toEqual(["close-date-not-in-past", "close-date-pushed"]);
    expect(await h.portal.listTasks(deal.id)).toHaveLength(1);
  }, 60_000);

  it("never scans closed deals and never moves the engine's last-known deal state", async () => {
    const { deal } = await dealIn(h, "closedwon", { amount: "700", closedate: String(Date.now() - 40 * DAY) });
    const before = await rows("SELECT stage_id, observed_at FROM deal_state WHERE deal_id = ?", deal.id);
    await h.portal.clearCalls();
    await scan(Date.now() + 30 * DAY);
    const reads = await h.portal.calls({ pathIncludes: "/deals/batch/read" });
    const readIds = reads.flatMap((c) => (c.body as { inputs: Array<{ id: string }> }).inputs.map((i) => i.id));
    expect(readIds).not.toContain(deal.id);
    expect(await violationsOf(deal.id)).toEqual([]);
    expect(await rows("SELECT stage_id, observed_at FROM deal_state WHERE deal_id = ?", deal.id)).toEqual(before);
  }, 60_000);
});
