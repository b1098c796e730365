// The cron: the Worker's scheduled handler runs inbox retention (deletes rows older than INBOX_RETENTION_DAYS), the
// pruning of engine writes past their echo window, deal reconciliation (a search of recently modified deals) and the rule
// scan (a search of open deals) side by side, against an isolated simulator portal —
// no real network. A failing job neither stops the other nor goes unreported.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SimClient, type SimPortal } from "../../sim/client";
import type { Env } from "../../src/env";
import worker from "../../src/index";
import { enforceInboxRetention, enforceJudgedChangesRetention, enforceRefusedRetention } from "../../src/jobs/cron/retention";
import { listRefusedEvents, recordRefusedEvents, type RefusedEvent } from "../../src/store/refused-events";
import { cronJobs, runScheduledJobs } from "../../src/jobs/cron/scheduled";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22);

let portal: SimPortal;
let portalEnv: Env;
beforeAll(async () => {
  portal = await new SimClient(env.SIM_URL).createPortal({ webhook: { mode: "outbox", flushMs: 0 } });
  portalEnv = { ...env, ...portal.engineEnv() };
}, 30_000);
beforeEach(async () => {
  await env.DB.prepare("DELETE FROM inbox_events").run();
  await portal.clearCalls();
});

async function insertRow(hash: string, receivedAt: number): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO inbox_events (hash, event_id, portal_id, subscription_type, object_id, occurred_at, received_at, attempt_number, payload)
     VALUES (?1, '1', 1, 'deal.creation', '1', ?2, ?2, 0, '{}')`,
  )
    .bind(hash, receivedAt)
    .run();
}

async function hashes(): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT hash FROM inbox_events ORDER BY hash").all<{ hash: string }>();
  return results.map((r) => r.hash);
}

const cron = () => createScheduledController({ scheduledTime: new Date(NOW), cron: "*/15 * * * *" });

describe("the scheduled handler", () => {
  it("deletes inbox rows older than INBOX_RETENTION_DAYS (30 in wrangler.toml), keeps younger ones, and reconciles", async () => {
    await insertRow("old", NOW - 31 * DAY);
    await insertRow("young", NOW - 29 * DAY);
    await worker.scheduled(cron(), portalEnv);
    expect(await hashes()).toEqual(["young"]);
    // Reconciliation ran (a search of the deals modified in its window), and so did the rule scan (a search of the open
    // deals; the portal has none, so nothing else).
    const searches = await portal.calls({ method: "POST" });
    expect(searches.map((c) => c.path)).toEqual(["/crm/v3/objects/deals/search", "/crm/v3/objects/deals/search"]);
    const filtered = searches.map((c) => (c.body as { filterGroups: Array<{ filters: Array<{ propertyName: string }> }> }).filterGroups[0]?.filters[0]?.propertyName).sort();
    expect(filtered).toEqual(["hs_is_closed", "hs_lastmodifieddate"]);
  });

  it("a failing job (HubSpot answers the search with a 503) doesn't stop retention, and the handler reports it by name", async () => {
    await insertRow("old", NOW - 31 * DAY);
    await insertRow("young", NOW - 29 * DAY);
    // Another rule scan holds the lease, so the only search is reconciliation's.
    await env.DB.prepare("INSERT OR REPLACE INTO scan_state (portal_id, lease_until, updated_at) VALUES (?, ?, ?)").bind(portalEnv.HUBSPOT_PORTAL_ID ?? "default", NOW + 3600_000, NOW).run();
    await portal.setKnobs({ faults: { script: [{ status: 503, count: 1, pathIncludes: "/deals/search" }] } });
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const run = worker.scheduled(cron(), portalEnv);
      await expect(run).rejects.toThrow(/scheduled jobs failed: deal-reconciliation$/);
      expect(logged.mock.calls.map((c) => String(c[0]))).toContain("scheduled job deal-reconciliation failed");
    } finally {
      logged.mockRestore();
    }
    expect(await hashes()).toEqual(["young"]);
    expect((await portal.calls()).map((c) => c.status)).toEqual([503]);
    await env.DB.prepare("DELETE FROM scan_state").run();
  });
});

it("prunes engine writes whose echo window has passed, keeping the ones an echo may still match", async () => {
  await env.DB.prepare("DELETE FROM engine_writes").run();
  const write = env.DB.prepare("INSERT INTO engine_writes (id, deal_id, property, value, written_at, expires_at) VALUES (?, '1', 'dealstage', 's', ?, ?)");
  await env.DB.batch([write.bind("expired", NOW - 7 * 3600_000, NOW - 3600_000), write.bind("live", NOW - 3600_000, NOW + 5 * 3600_000)]);
  await worker.scheduled(cron(), portalEnv);
  const { results } = await env.DB.prepare("SELECT id FROM engine_writes ORDER BY id").all<{ id: string }>();
  expect(results.map((r) => r.id)).toEqual(["live"]);
});

describe("runScheduledJobs", () => {
  it("runs every job even when one rejects, then rejects with each failure", async () => {
    const ran: string[] = [];
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const run = runScheduledJobs([
        { name: "a", run: async () => { ran.push("a"); throw new Error("a broke"); } },
        { name: "b", run: async () => { ran.push("b"); } },
      ]);
      const error = await run.then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(AggregateError);
      expect((error as AggregateError).message).toBe("scheduled jobs failed: a");
      expect((error as AggregateError).errors.map((e) => String(e))).toEqual(["Error: a broke"]);
    } finally {
      logged.mockRestore();
    }
    expect(ran.sort()).toEqual(["a", "b"]);
  });
});

it("retention never goes below two days, whatever is configured (dedupe needs HubSpot's 24 h retry window)", async () => {
  await insertRow("a", NOW - 1.5 * DAY);
  await insertRow("b", NOW - 3 * DAY);
  expect(await enforceInboxRetention(env.DB, 0, NOW)).toBe(1);
  expect(await hashes()).toEqual(["a"]);
});

it("refused events not seen again within the retention are deleted with the inbox's old rows", async () => {
  const refused = (hash: string): RefusedEvent => ({ hash, reason: "too_deep", field: "$", message: "nested too deep", eventId: null, portalId: null, objectId: null, subscriptionType: null, payload: "{}", bytes: 2, truncated: false });
  await recordRefusedEvents(env.DB, [refused("old")], NOW - 40 * DAY);
  await recordRefusedEvents(env.DB, [refused("seen-again")], NOW - 40 * DAY);
  await recordRefusedEvents(env.DB, [refused("seen-again")], NOW - 1 * DAY);
  expect(await enforceRefusedRetention(env.DB, 30, NOW)).toBe(1);
  expect((await listRefusedEvents(env.DB)).map((r) => [r.hash, r.deliveries])).toEqual([["seen-again", 2]]);
});

it("judged changes older than JUDGED_CHANGES_RETENTION_DAYS are deleted by when they happened; the cron runs it by name", async () => {
  await env.DB.prepare("DELETE FROM judged_changes").run();
  const insert = (id: string, occurredAt: number) =>
    env.DB.prepare("INSERT INTO judged_changes (id, portal_id, deal_id, occurred_at, change, recorded_at) VALUES (?, 1, '7', ?, '{}', ?)").bind(id, occurredAt, NOW).run();
  await insert("old", NOW - 401 * DAY);
  await insert("kept", NOW - 399 * DAY);
  expect(await enforceJudgedChangesRetention(env.DB, 400, NOW)).toBe(1);
  const { results } = await env.DB.prepare("SELECT id FROM judged_changes").all<{ id: string }>();
  expect(results.map((r) => r.id)).toEqual(["kept"]);
  expect(cronJobs(portalEnv, {} as never, NOW).map((j) => j.name)).toContain("judged-changes-retention");
});
