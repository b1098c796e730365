// A batch bigger than the rate budget's room: the deals that fit are enforced at once (in order of their first
// event, each with all its events), the rest wait for room — not the whole batch for whole seconds — and every deal
// ends judged once, read once.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { WINDOW_MS } from "../../../src/store/rate-budget";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("enforce") });
}, 30_000);

const DEALS = 120;

describe("a batch bigger than the budget's room", () => {
  it("enforces the deals that fit now and defers only the rest", async () => {
    const owner = h.seed.owners[0];
    if (owner === undefined) throw new Error("seed has no owners");
    const as = { kind: "user" as const, ownerId: owner.id };
    const props = { pipeline: "default", dealstage: "appointmentscheduled", hubspot_owner_id: owner.id, amount: "5000", closedate: String(Date.now() + 30 * 86_400_000) };
    const deals: Array<{ id: string }> = [];
    for (let i = 0; i < DEALS; i++) deals.push(await h.portal.createDeal({ properties: { dealname: `Part ${i}`, ...props }, as }));
    await h.drain();
    for (const d of deals) await h.portal.moveStage(d.id, "qualifiedtobuy", { as });

    // Room for 4 calls: two history reads (100 deals) and the run's task batch and write; the batch needs five. Early
    // in a window, so the rest can't fit within the 2 s a run waits in place: it goes back to the queue.
    if (Date.now() % WINDOW_MS > 4_000) await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS) + 100));
    const now = Date.now();
    await env.DB.prepare("UPDATE rate_budget SET window_start = ?, used = 148, previous_used = 0, window_max = 152, blocked_until = 0").bind(now - (now % WINDOW_MS)).run();
    await h.portal.clearCalls();
    const before = h.outcomes.length;
    const report = await h.drain();

    const first = h.outcomes[before];
    expect(first).toMatchObject({ ok: false, retryAfterSeconds: expect.any(Number) });
    const done = first !== undefined && !first.ok ? (first.done ?? []) : [];
    const doneDeals = [...new Set(done.map((e) => e.objectId))];
    expect(doneDeals.length).toBeGreaterThanOrEqual(90);
    expect(doneDeals.length).toBeLessThan(DEALS);
    // The earliest deals first, each with all of its events.
    expect(doneDeals).toEqual(deals.slice(0, doneDeals.length).map((d) => d.id));
    expect(report.deferred).toBeGreaterThan(0);

    // Every move judged once, and no deal read twice: the part's reads and the rest's.
    const moves = await rows<{ n: number }>(
      "SELECT COUNT(*) AS n FROM stage_transitions WHERE to_stage = 'qualifiedtobuy' AND deal_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(deals.map((d) => d.id)),
    );
    expect(moves[0]?.n).toBe(DEALS);
    const reads = await h.portal.calls({ method: "POST", pathIncludes: "/objects/deals/batch/read" });
    const readIds = reads.flatMap((c) => (c.body as { inputs: Array<{ id: string }> }).inputs.map((i) => i.id));
    expect(readIds.filter((id) => deals.some((d) => d.id === id)).sort()).toEqual(deals.map((d) => d.id).sort());
    expect(await rows("SELECT id FROM dead_letters")).toEqual([]);
  }, 90_000);
});
