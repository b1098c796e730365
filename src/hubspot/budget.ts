// The budgeted HubSpot client: reserves calls in the shared rate budget before a run, counts every HTTP call through
// the client's onCall hook, charges what was used beyond the reservation, learns the window from HubSpot's headers and,
// after a 429, blocks every isolate. A window that frees room within moments is waited for here; anything longer
// comes back as "retry after N s" for the queue.
import type { Config } from "../env";
import type { Result } from "../result";
import { usableTimeZone } from "../policy/zoned-time";
import { readCachedTimeZone } from "../store/portal-time-zone";
import { blockBudget, chargeBudget, learnUsed, learnWindowMax, reserveBudget, WINDOW_MS } from "../store/rate-budget";
import { createHubSpotClient, type HubSpotCall, type HubSpotClient } from "./client";
import { BATCH_HISTORY_READ_LIMIT } from "./deals";
import { describeError, type HubSpotError } from "./errors";
import { readRateLimitHeaders, retryDelaySeconds } from "./rate-limit";

export interface BudgetOptions {
  db: D1Database;
  accessToken: string;
  basePath: string;
  /** Calls the run expects to make; reserved up front, the rest charged afterwards. */
  estimate: number;
  now: number;
  /** The ticking clock and a timer, for the short wait of a window about to free room (tests pass their own). */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** The longest wait in place (default `MAX_INLINE_WAIT_MS`); 0 for runs with no latency to win, like the rule scan. */
  maxInlineWaitMs?: number;
  /** Observes every HubSpot call (benchmarks, tests). */
  onCall?: (call: HubSpotCall) => void;
}

/**
 * How long a run waits in place for the rolling window to free room, rather than going back to the queue: a delayed
 * message comes back after whole seconds (and may be refused again), while the window frees calls continuously — in
 * a burst at HubSpot's limit that difference was most of the webhook-to-task tail. The consumer takes one batch at a
 * time, so waiting here holds back nothing the budget would let through.
 */
export const MAX_INLINE_WAIT_MS = 2_000;

/** Why a run may not (or could not) use HubSpot, and when to try again. */
export interface BudgetRefusal {
  error: string;
  retryAfterSeconds?: number;
  /** The calls that would fit now, when the budget (not a 429 or an outage) refused the run. */
  room?: number;
}

export interface BudgetedClient {
  client: HubSpotClient;
  /** HTTP calls made so far (every attempt, answered or not). */
  calls(): number;
  /** Charges the calls beyond the reservation and learns the window from the headers seen. Throws only for D1. */
  close(): Promise<void>;
  /** `close`, then the run's HubSpot failure as a refusal: a 429 blocks every isolate until its window has passed. */
  fail(failure: HubSpotError): Promise<BudgetRefusal>;
}

/**
 * The budget of one run that reads `dealsToRead` deals: a history read per 50 (HubSpot's limit for reads with history
 * — this once said 100, so a burst's big runs reserved half what they used and the rest went over the window
 * unchecked) plus a task batch and a write. What the run uses beyond it is charged, what it doesn't is given back.
 */
export function budgetFor(config: Config, db: D1Database, dealsToRead: number, now: number, onCall?: (call: HubSpotCall) => void): BudgetOptions {
  const estimate = estimateCalls(dealsToRead);
  return { db, accessToken: config.HUBSPOT_ACCESS_TOKEN, basePath: config.HUBSPOT_BASE_URL, estimate, now, ...(onCall === undefined ? {} : { onCall }) };
}

/** The calls a run that reads `dealsToRead` deals reserves (see budgetFor). */
export function estimateCalls(dealsToRead: number): number {
  return Math.ceil(dealsToRead / BATCH_HISTORY_READ_LIMIT) + 2;
}

/** Reserves the estimate and builds the client, or says how long to wait. Throws only for D1. */
export async function openBudgetedClient(o: BudgetOptions): Promise<Result<BudgetedClient, BudgetRefusal>> {
  const clock = o.clock ?? (() => Date.now());
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWait = o.maxInlineWaitMs ?? MAX_INLINE_WAIT_MS;
  // The run's time is `now` moved on by the clock's elapsed time: callers (the cron, tests) pass a `now` of their own,
  // and a window rolled to the clock's time would be read from `now` as still to come.
  let reservedAt = o.now;
  let reserved = await reserveBudget(o.db, o.estimate, reservedAt);
  for (let waited = 0; !reserved.ok && !reserved.blocked && waited + reserved.waitMs <= maxWait; ) {
    const before = clock();
    await sleep(reserved.waitMs);
    waited += reserved.waitMs;
    reservedAt += Math.max(reserved.waitMs, clock() - before);
    reserved = await reserveBudget(o.db, o.estimate, reservedAt);
  }
  const reservedClock = clock();
  if (!reserved.ok) return { ok: false, error: { error: `HubSpot budget: ${reserved.reason}`, retryAfterSeconds: reserved.retryAfterSeconds, room: reserved.room } };
  let calls = 0;
  let headerMax: number | null = null;
  let headerInterval: number | null = null;
  let leastRemaining: number | null = null;
  const client = createHubSpotClient({
    accessToken: o.accessToken,
    basePath: o.basePath,
    onCall: function countCall(call) {
      calls++;
      const limits = readRateLimitHeaders(call.headers);
      headerMax = limits.max ?? headerMax;
      headerInterval = limits.intervalMs ?? headerInterval;
      if (limits.remaining !== null) leastRemaining = Math.min(leastRemaining ?? limits.remaining, limits.remaining);
      o.onCall?.(call);
    },
  });
  const close = async () => {
    await chargeBudget(o.db, calls - o.estimate, reservedAt);
    if (headerMax === null) return;
    await learnWindowMax(o.db, headerMax, headerInterval, o.now);
    // The fewest calls HubSpot said were left during the run, as of its end: conservative, and HubSpot's own count.
    if (leastRemaining !== null) await learnUsed(o.db, ((headerMax - leastRemaining) * WINDOW_MS) / Math.max(1, headerInterval ?? WINDOW_MS), reservedAt + (clock() - reservedClock));
  };
  return {
    ok: true,
    value: {
      client,
      calls: () => calls,
      close,
      async fail(failure) {
        await close();
        // A DAILY 429 waits for midnight in the portal's zone (cached from its account info; UTC if never read).
        const timeZone = failure.kind === "rate-limited" && failure.policy === "DAILY" ? usableTimeZone((await readCachedTimeZone(o.db))?.timeZone) : undefined;
        const delay = retryDelaySeconds(failure, 1, o.now, timeZone);
        if (failure.kind === "rate-limited" && delay !== null) {
          // Every isolate backs off, not just this message.
          await blockBudget(o.db, o.now + delay * 1000, `429 ${failure.policy}`, o.now);
          return { error: describeError(failure), retryAfterSeconds: delay };
        }
        // Outages: the consumer's exponential backoff (it knows the attempt count).
        return { error: describeError(failure) };
      },
    },
  };
}
