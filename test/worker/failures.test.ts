// Pending never means forgotten, and what finally failed is visible and replayable (issues 16.5, 11.3): the cron's
// sweep re-sends inbox rows pending past the queue's retry horizon (at most MAX_SWEEPS times), requested dead-letter
// replays are re-sent once, and the admin API and page show counts, ages and reasons.
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { QueueMessageBody } from "../../src/env";
import { consumeEvents } from "../../src/jobs/queue/consume-events";
import { MAX_SWEEPS, PENDING_HORIZON_MS, replayRequestedDeadLetters, sweepPendingInbox } from "../../src/jobs/cron/sweep-pending";
import { recordDeadLetter } from "../../src/store/dead-letters";
import { requestDeadLetterReplay } from "../../src/store/failures";
import { call, createToken, signIn } from "./api/fixtures";
import { dealEvent } from "./signed-request";

beforeEach(async () => {
  await env.DB.batch(["inbox_events", "ingress_counters", "dead_letters"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
});

/** Stores events that enforcement failed on: they stay pending with the error. */
async function storeFailing(events: Array<Record<string, unknown>>, receivedAt: number): Promise<void> {
  const body: QueueMessageBody = { kind: "events", receivedAt, events };
  const batch = createMessageBatch("deal-events", [{ id: `m${receivedAt}`, timestamp: new Date(), attempts: 1, body }]);
  await consumeEvents(batch, env, { now: Date.now, enforce: async () => ({ ok: false, error: "HubSpot 503" }) });
}

describe("pending sweep", () => {
  it("re-sends rows pending past the horizon (not newer ones), as replays, at most MAX_SWEEPS times", async () => {
    const now = Date.now();
    await storeFailing([dealEvent({ objectId: 1 }), dealEvent({ objectId: 2 })], now - PENDING_HORIZON_MS - 60_000);
    await storeFailing([dealEvent({ objectId: 3 })], now - 60_000);
    const sent: QueueMessageBody[] = [];
    const send = async (body: QueueMessageBody) => void sent.push(body);
    expect(await sweepPendingInbox(env.DB, send, now)).toBe(2);
    expect(sent.map((b) => [b.replay, b.events.map((e) => (e as { objectId: number }).objectId).sort()])).toEqual([[true, [1, 2]]]);
    // Not again within the horizon; again after it, until MAX_SWEEPS.
    expect(await sweepPendingInbox(env.DB, send, now + 60_000)).toBe(0);
    let at = now;
    let rounds = 0;
    while ((await sweepPendingInbox(env.DB, send, (at += PENDING_HORIZON_MS + 1))) > 0) rounds++;
    expect(rounds).toBe(MAX_SWEEPS);
    const sweeps = await env.DB.prepare("SELECT object_id, sweeps FROM inbox_events ORDER BY object_id").all<{ object_id: string; sweeps: number }>();
    expect(sweeps.results.map((r) => [r.object_id, r.sweeps])).toEqual([["1", MAX_SWEEPS], ["2", MAX_SWEEPS], ["3", MAX_SWEEPS]]);
  });

  it("a swept replay is processed once and doesn't count as a new delivery from HubSpot", async () => {
    const now = Date.now();
    await storeFailing([dealEvent({ objectId: 1 })], now - PENDING_HORIZON_MS - 60_000);
    const sent: QueueMessageBody[] = [];
    await sweepPendingInbox(env.DB, async (b) => void sent.push(b), now);
    const batch = createMessageBatch("deal-events", sent.map((body, i) => ({ id: `r${i}`, timestamp: new Date(), attempts: 1, body })));
    await consumeEvents(batch, env, { now: Date.now, enforce: async (e) => ({ ok: true, processed: e.length }) });
    const row = await env.DB.prepare("SELECT status, deliveries FROM inbox_events").first<{ status: string; deliveries: number }>();
    expect(row).toEqual({ status: "processed", deliveries: 1 });
  });
});

describe("dead-letter replay", () => {
  it("re-sends requested dead letters once; one that isn't a batch of events is marked with why", async () => {
    const events = [dealEvent({ objectId: 7 })];
    await recordDeadLetter(env.DB, { id: "d1", queue: "deal-events", attempts: 11, body: JSON.stringify({ kind: "events", receivedAt: 1, events }), error: "HubSpot 403", failedAt: 5 });
    await recordDeadLetter(env.DB, { id: "d2", queue: "deal-events", attempts: 11, body: "\"junk\"", error: "malformed", failedAt: 6 });
    const sent: QueueMessageBody[] = [];
    const send = async (b: QueueMessageBody) => void sent.push(b);
    expect(await replayRequestedDeadLetters(env.DB, send, 10)).toBe(0);
    expect(await requestDeadLetterReplay(env.DB, 10)).toBe(2);
    expect(await replayRequestedDeadLetters(env.DB, send, 11)).toBe(1);
    expect(sent).toEqual([{ kind: "events", receivedAt: 1, events, replay: true }]);
    expect(await replayRequestedDeadLetters(env.DB, send, 12)).toBe(0);
    const rows = await env.DB.prepare("SELECT id, replayed_at, replay_error FROM dead_letters ORDER BY id").all();
    expect(rows.results).toEqual([
      { id: "d1", replayed_at: 11, replay_error: null },
      { id: "d2", replayed_at: null, replay_error: "not replayable: its body is not a batch of events" },
    ]);
  });
});

describe("admin failures API and page", () => {
  it("shows pending rows (count, age, reason) and dead letters to admins only", async () => {
    const now = Date.now();
    await storeFailing([dealEvent({ objectId: 1 }), dealEvent({ objectId: 1, propertyName: "amount" })], now - 2 * PENDING_HORIZON_MS);
    await recordDeadLetter(env.DB, { id: "d1", queue: "deal-events", attempts: 11, body: JSON.stringify({ kind: "events", receivedAt: 1, events: [dealEvent()] }), error: "HubSpot 403", failedAt: now });
    const admin = await createToken({ role: "admin" });
    const res = await call("/api/admin/failures", { token: admin });
    expect(res.status).toBe(200);
    const body = await res.json<{ pending: { count: number; oldestAgeSeconds: number; reasons: Array<{ reason: string; count: number }> }; stalePending: number; deadLetters: { total: number; items: Array<{ id: string; error: string; events: number }> } }>();
    expect(body.pending.count).toBe(2);
    expect(body.stalePending).toBe(2);
    expect(body.pending.oldestAgeSeconds).toBeGreaterThanOrEqual((2 * PENDING_HORIZON_MS) / 1000 - 5);
    expect(body.pending.reasons).toEqual([expect.objectContaining({ reason: "HubSpot 503", count: 2 })]);
    expect(body.deadLetters).toEqual({ total: 1, items: [expect.objectContaining({ id: "d1", error: "HubSpot 403", events: 1 })] });

    const manager = await createToken({ role: "manager" });
    expect((await call("/api/admin/failures", { token: manager })).status).toBe(403);
    expect((await call("/api/admin/failures?limit=100000", { token: admin })).status).toBe(400);

    const page = await call("/dashboard/admin/failures", { cookie: await signIn(admin) });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("HubSpot 503");
    expect(html).toContain("replay-dead-letters");
    expect((await call("/dashboard/admin/failures", { cookie: await signIn(manager) })).status).toBe(403);
  });
});
