// Admin-only view of what failed or still waits (issues 11.3, 16.5): pending inbox rows (count, age, last error) and
// dead letters (reason, attempts, replay state), and a replay of the dead letters through the queue.
import { Hono } from "hono";
import { z } from "zod";
import { getPendingSummary, listDeadLetterItems, requestDeadLetterReplay, type DeadLetterItem, type PendingSummary } from "../../store/failures";
import { PENDING_HORIZON_MS, replayRequestedDeadLetters } from "../../jobs/cron/sweep-pending";
import { requireRole, type AuthEnv } from "../auth";
import { parseQuery } from "./query-schemas";

export const FailuresQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export interface FailuresReport {
  pending: PendingSummary & { oldestAgeSeconds: number | null };
  /** Pending past the queue's retry horizon: only the sweep (or an operator) will move them. */
  stalePending: number;
  horizonSeconds: number;
  deadLetters: { total: number; items: DeadLetterItem[] };
}

/** The report the API and the dashboard page show. */
export async function buildFailuresReport(db: D1Database, now: number, limit: number): Promise<FailuresReport> {
  const [pending, stale, deadLetters] = await Promise.all([getPendingSummary(db, now + 1), getPendingSummary(db, now - PENDING_HORIZON_MS), listDeadLetterItems(db, limit)]);
  return {
    pending: { ...pending, oldestAgeSeconds: pending.oldestReceivedAt === null ? null : Math.round((now - pending.oldestReceivedAt) / 1000) },
    stalePending: stale.count,
    horizonSeconds: PENDING_HORIZON_MS / 1000,
    deadLetters,
  };
}

export function failureRoutes(): Hono<AuthEnv> {
  const routes = new Hono<AuthEnv>();
  routes.use("*", requireRole("admin"));
  routes.get("/failures", async (c) => {
    const q = parseQuery(FailuresQuerySchema, c.req.url);
    return c.json(await buildFailuresReport(c.env.DB, Date.now(), q.limit));
  });
  routes.post("/dead-letters/replay", async (c) => {
    const now = Date.now();
    const requested = await requestDeadLetterReplay(c.env.DB, now);
    const replayed = await replayRequestedDeadLetters(c.env.DB, async (body) => void (await c.env.EVENTS.send(body)), now, 500);
    return c.json({ requested, replayed });
  });
  return routes;
}
