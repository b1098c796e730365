// HubSpot's real contract under a bulk edit: a delivery over more than 50 deals is read in batches HubSpot accepts
// (≤50 with history), and a 207 Multi-Status answer is matched by id — each failed input fails alone.
import { beforeAll, describe, expect, it } from "vitest";
import type { SimDeal } from "../../../sim/client";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy(), portal: { limits: { enabled: false } } });
}, 30_000);

async function dealsIn(stage: string, n: number): Promise<SimDeal[]> {
  const owner = h.seed.owners[1];
  if (owner === undefined) throw new Error("no owner");
  const deals: SimDeal[] = [];
  for (let i = 0; i < n; i++) {
    deals.push(await h.portal.createDeal({ properties: { dealname: `Bulk ${i}`, pipeline: "default", dealstage: stage, hubspot_owner_id: owner.id }, as: { kind: "user", ownerId: owner.id } }));
  }
  await h.drain();
  return deals;
}

interface BatchBody { inputs: unknown[]; propertiesWithHistory?: string[] }

describe("a bulk action over 60 deals in one run", () => {
  it("reads them in batches of at most 50 with history and reverts every one", async () => {
    const deals = await dealsIn("appointmentscheduled", 60);
    await h.portal.clearCalls();
    for (const d of deals) await h.portal.moveStage(d.id, "decisionmakerboughtin", { as: { kind: "bulk", ownerId: h.seed.owners[1]?.id } });
    await h.drain();
    const reads = await h.portal.calls({ pathIncludes: "/deals/batch/read" });
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads) {
      const body = r.body as BatchBody;
      expect(r.status).not.toBe(400);
      if ((body.propertiesWithHistory ?? []).length > 0) expect(body.inputs.length).toBeLessThanOrEqual(50);
    }
    expect(reads.some((r) => (r.body as BatchBody).inputs.length > 1)).toBe(true);
    const ids = deals.map((d) => d.id);
    const v = await rows<{ n: number }>(`SELECT count(*) AS n FROM violations WHERE reverted = 1 AND deal_id IN (${ids.map(() => "?").join(",")})`, ...ids);
    expect(v[0]?.n).toBe(60);
    for (const d of deals.slice(0, 5)) expect((await h.portal.getDeal(d.id)).properties.dealstage).toBe("appointmentscheduled");
  }, 120_000);
});

describe("207 Multi-Status answers", () => {
  it("a revert HubSpot refuses inside a batch update fails alone; the others are done", async () => {
    const deals = await dealsIn("appointmentscheduled", 3);
    await h.portal.setKnobs({ faults: { script: [{ status: 207, count: 1, method: "POST", pathIncludes: "/deals/batch/update", failInputs: [1] }] } });
    for (const d of deals) await h.portal.moveStage(d.id, "decisionmakerboughtin", { as: { kind: "user", ownerId: h.seed.owners[1]?.id } });
    await h.drain();
    const update = (await h.portal.calls({ pathIncludes: "/deals/batch/update" })).find((c) => c.status === 207);
    expect(update).toBeDefined();
    const refusedId = String(((update?.body as { inputs: Array<{ id: string }> }).inputs[1])?.id);
    const stages = await Promise.all(deals.map(async (d) => [d.id, (await h.portal.getDeal(d.id)).properties.dealstage] as const));
    for (const [id, stage] of stages) expect(stage).toBe(id === refusedId ? "decisionmakerboughtin" : "appointmentscheduled");
    const revertRows = await rows<{ deal_id: string; status: string }>(`SELECT deal_id, status FROM reverts WHERE deal_id IN (?,?,?)`, ...deals.map((d) => d.id));
    expect(new Map(revertRows.map((r) => [r.deal_id, r.status]))).toEqual(new Map(deals.map((d) => [d.id, d.id === refusedId ? "refused" : "done"])));
    const refused = await rows<{ actions: string }>("SELECT actions FROM violations WHERE deal_id = ?", refusedId);
    expect(JSON.parse(refused[0]?.actions ?? "[]")).toContainEqual(expect.objectContaining({ type: "revert", outcome: "failed" }));
    // The governance values rode with the reverts as if all landed; the refused one's are written again as they are.
    const governance = await Promise.all(deals.map(async (d) => [d.id, (await h.portal.getDeal(d.id)).properties.governance_status] as const));
    for (const [id, status] of governance) expect(status).toBe(id === refusedId ? "open_violation" : "reverted");
  }, 60_000);

  it("a task HubSpot refuses inside a batch create fails alone; the others get their own ids", async () => {
    const deals = await dealsIn("appointmentscheduled", 3);
    await h.portal.setKnobs({ faults: { script: [{ status: 207, count: 1, method: "POST", pathIncludes: "/tasks/batch/create", failInputs: [0] }] } });
    for (const d of deals) await h.portal.moveStage(d.id, "decisionmakerboughtin", { as: { kind: "user", ownerId: h.seed.owners[1]?.id } });
    await h.drain();
    const ids = deals.map((d) => d.id);
    const v = await rows<{ deal_id: string; task_id: string | null; actions: string }>(`SELECT deal_id, task_id, actions FROM violations WHERE deal_id IN (?,?,?)`, ...ids);
    expect(v).toHaveLength(3);
    const failed = v.filter((r) => (JSON.parse(r.actions) as Array<{ type: string; outcome: string }>).some((a) => a.type === "task" && a.outcome === "failed"));
    expect(failed).toHaveLength(1);
    for (const r of v.filter((x) => !failed.includes(x))) {
      const tasks = await h.portal.listTasks(r.deal_id);
      expect(tasks.map((t) => t.id)).toContain(r.task_id);
    }
    expect(await h.portal.listTasks(failed[0]?.deal_id)).toHaveLength(0);
  }, 60_000);
});
