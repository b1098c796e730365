// Inbox retention on the cron: the Worker's scheduled handler deletes rows older than INBOX_RETENTION_DAYS.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import worker from "../../src/index";
import { enforceInboxRetention } from "../../src/jobs/retention";

const DAY = 86_400_000;

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

it("the cron deletes inbox rows older than INBOX_RETENTION_DAYS (30 in wrangler.toml) and keeps younger ones", async () => {
  const now = Date.UTC(2026, 10, 22);
  await insertRow("old", now - 31 * DAY);
  await insertRow("young", now - 29 * DAY);
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(now), cron: "*/15 * * * *" }), env);
  expect(await hashes()).toEqual(["young"]);
});

it("never goes below two days, whatever is configured (dedupe needs HubSpot's 24 h retry window)", async () => {
  const now = Date.UTC(2026, 10, 22);
  await env.DB.prepare("DELETE FROM inbox_events").run();
  await insertRow("a", now - 1.5 * DAY);
  await insertRow("b", now - 3 * DAY);
  expect(await enforceInboxRetention(env.DB, 0, now)).toBe(1);
  expect(await hashes()).toEqual(["a"]);
});
