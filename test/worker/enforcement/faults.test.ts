// 20% injected HubSpot 5xx answers plus 429s from a tight rate limit: the messages are retried through the queue,
// deferred or re-run deal by deal (never by sleeping) and end with exactly the expected violations, reverts and tasks — none lost, none doubled.
import { beforeAll, describe, expect, it } from "vitest";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("enforce") });
}, 30_000);

describe("faults and rate limits", () => {
  it("converges to exactly the expected violations and tasks", async () => {
    const owner = h.seed.owners[0];
    if (owner === undefined) throw new Error("no owner");
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const deal = await h.portal.createDeal({
        properties: { dealname: `Deal ${i}`, pipeline: "default", dealstage: "appointmentscheduled", hubspot_owner_id: owner.id, amount: "100", closedate: String(Date.now() + 86_400_000) },
        as: { kind: "user", ownerId: owner.id },
      });
      ids.push(deal.id);
    }
    await h.drain();
    // 20% random 5xx and a tight limit, plus one scripted 503 and one scripted 429 so that both paths are taken
    // on every run (a batch consumer makes few enough calls that chance alone sometimes misses one).
    await h.portal.setKnobs({
      faults: {
        errorRate: 0.2,
        script: [
          { status: 503, count: 1, method: "POST", pathIncludes: "/deals/batch/read" },
          { status: 429, count: 1, method: "POST", pathIncludes: "/tasks/batch/create" },
        ],
      },
      limits: { tenSecondlyMax: 6, intervalMs: 1000 },
    });
    const violating = ids.slice(0, 6);
    for (const [i, id] of ids.entries()) {
      await h.portal.moveStage(id, i < 6 ? "decisionmakerboughtin" : "qualifiedtobuy", { as: { kind: "user", ownerId: owner.id } });
    }
    const report = await h.drain({ maxRounds: 150 });
    await h.portal.setKnobs({ faults: { errorRate: 0 }, limits: { tenSecondlyMax: 190, intervalMs: 10_000 } });

    // Which way a fault is survived — a queue retry, a deferral for the rate budget, or the consumer re-running the
    // failed batch deal by deal — depends on where the random faults land; what must hold is that faults happened
    // (both kinds, below) and the end state is exact.
    expect(report.messages).toBeGreaterThan(0);
    const calls = await h.portal.calls();
    expect(calls.some((c) => c.status === 429)).toBe(true);
    expect(calls.some((c) => c.status >= 500)).toBe(true);

    const v = await rows<{ deal_id: string; rule_id: string; reverted: number; task_id: string | null }>(
      "SELECT deal_id, rule_id, reverted, task_id FROM violations ORDER BY deal_id",
    );
    expect(v.map((x) => x.deal_id).sort()).toEqual([...violating].sort());
    expect(v.map((x) => ({ rule: x.rule_id, reverted: x.reverted, hasTask: x.task_id !== null }))).toEqual(
      violating.map(() => ({ rule: "no-skip", reverted: 1, hasTask: true })),
    );
    for (const id of ids) {
      const tasks = await h.portal.listTasks(id);
      expect(tasks).toHaveLength(violating.includes(id) ? 1 : 0);
      expect((await h.portal.getDeal(id)).properties.dealstage).toBe(violating.includes(id) ? "appointmentscheduled" : "qualifiedtobuy");
    }
    const lost = await rows<{ n: number }>("SELECT count(*) AS n FROM inbox_events WHERE status = 'pending'");
    expect(lost[0]?.n).toBe(0);
    const transitions = await rows<{ n: number }>("SELECT count(*) AS n FROM stage_transitions WHERE from_stage IS NOT NULL");
    expect(transitions[0]?.n).toBe(12);
  }, 180_000);
});
