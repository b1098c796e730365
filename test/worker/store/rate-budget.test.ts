// The shared HubSpot request budget against HubSpot's rolling ten-second limit: the previous window's calls still
// count at the start of the next (a fixed-window counter allowed twice the limit across a boundary — 429s in
// bench:enforce), fade as the rolling window leaves them behind, and a refusal says how long until the run fits.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { MAX_INLINE_WAIT_MS, openBudgetedClient } from "../../../src/hubspot/budget";
import { chargeBudget, learnUsed, reserveBudget, WINDOW_MS } from "../../../src/store/rate-budget";

const MAX = 100;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % WINDOW_MS); // a window boundary

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM rate_budget").run();
  // A learned max of 100 per window.
  await reserveBudget(env.DB, 1, T0);
  await env.DB.prepare("UPDATE rate_budget SET window_max = ?, used = 0").bind(MAX).run();
});

describe("the rolling window", () => {
  it("counts a full window just before a boundary against the calls just after it", async () => {
    expect(await reserveBudget(env.DB, 90, T0 + 9_900)).toEqual({ ok: true });
    // 100 ms into the next window, 99% of those 90 calls are still inside HubSpot's rolling 10 s.
    const refused = await reserveBudget(env.DB, 50, T0 + WINDOW_MS + 100);
    // 90 × 0.99 = 89.1 still count: room for 10 calls now (a run may do that much of its work).
    expect(refused).toMatchObject({ ok: false, reason: "request budget for this window spent", room: 10 });
    // 90 × (1 − t/10 s) + 50 ≤ 100 from t = 4.44 s on: the wait says so (rounded up to seconds).
    expect(refused.ok ? 0 : refused.retryAfterSeconds).toBe(5);
    expect(await reserveBudget(env.DB, 50, T0 + WINDOW_MS + 4_000)).toMatchObject({ ok: false });
    expect(await reserveBudget(env.DB, 50, T0 + WINDOW_MS + 4_500)).toEqual({ ok: true });
  });

  it("forgets a window two boundaries back", async () => {
    expect(await reserveBudget(env.DB, 95, T0 + 5_000)).toEqual({ ok: true });
    expect(await reserveBudget(env.DB, 95, T0 + 2 * WINDOW_MS + 10)).toEqual({ ok: true });
  });

  it("counts calls charged after a run like reserved ones", async () => {
    expect(await reserveBudget(env.DB, 10, T0 + 1_000)).toEqual({ ok: true });
    await chargeBudget(env.DB, 85, T0 + 2_000);
    expect(await reserveBudget(env.DB, 10, T0 + 3_000)).toMatchObject({ ok: false });
    expect(await reserveBudget(env.DB, 5, T0 + 3_000)).toEqual({ ok: true });
  });

  it("gives reserved calls a run didn't make back to the window they were reserved in", async () => {
    expect(await reserveBudget(env.DB, 60, T0 + 1_000)).toEqual({ ok: true });
    expect(await reserveBudget(env.DB, 60, T0 + 2_000)).toMatchObject({ ok: false });
    await chargeBudget(env.DB, -50, T0 + 1_000);
    expect(await reserveBudget(env.DB, 60, T0 + 2_000)).toEqual({ ok: true });
  });

  it("a give-back after the window rolled lightens the previous window, never the new one", async () => {
    expect(await reserveBudget(env.DB, 90, T0 + 9_000)).toEqual({ ok: true });
    expect(await reserveBudget(env.DB, 20, T0 + WINDOW_MS + 2_000)).toEqual({ ok: true });
    // Reserved in the first window, settled in the second: 90 → 10 there; the new window's 20 stay.
    await chargeBudget(env.DB, -80, T0 + 9_000);
    const row = await env.DB.prepare("SELECT used, previous_used FROM rate_budget").first<{ used: number; previous_used: number }>();
    expect(row).toEqual({ used: 20, previous_used: 10 });
  });

  it("waits for the current window to end and fade when the window itself is spent", async () => {
    expect(await reserveBudget(env.DB, 80, T0 + 1_000)).toEqual({ ok: true });
    const refused = await reserveBudget(env.DB, 40, T0 + 2_000);
    // 8 s to the boundary, then 80 × (1 − t/10 s) + 40 ≤ 100 from t = 2.5 s.
    expect(refused.ok ? 0 : refused.retryAfterSeconds).toBe(11);
    expect(await reserveBudget(env.DB, 40, T0 + WINDOW_MS + 2_400)).toMatchObject({ ok: false });
    expect(await reserveBudget(env.DB, 40, T0 + WINDOW_MS + 2_600)).toEqual({ ok: true });
  });

  it("takes HubSpot's own count (its Remaining header) when it says more calls were made than the estimate", async () => {
    expect(await reserveBudget(env.DB, 40, T0 + 9_000)).toEqual({ ok: true });
    // Just after the boundary the estimate counts 40 × 0.9 = 36; HubSpot says 80 of its rolling 10 s are used.
    await learnUsed(env.DB, 80, T0 + WINDOW_MS + 1_000);
    expect(await reserveBudget(env.DB, 30, T0 + WINDOW_MS + 1_000)).toMatchObject({ ok: false });
    expect(await reserveBudget(env.DB, 19, T0 + WINDOW_MS + 1_000)).toEqual({ ok: true });
    // A lower count never lowers the estimate (it may be another isolate's older answer).
    await learnUsed(env.DB, 0, T0 + WINDOW_MS + 1_000);
    expect(await reserveBudget(env.DB, 2, T0 + WINDOW_MS + 1_000)).toMatchObject({ ok: false });
  });

  it("never counts the previous window more than once, whatever a caller's clock says", async () => {
    expect(await reserveBudget(env.DB, 60, T0 + WINDOW_MS + 9_000)).toEqual({ ok: true });
    expect(await reserveBudget(env.DB, 10, T0 + 2 * WINDOW_MS + 1_000)).toEqual({ ok: true });
    // An isolate whose clock is 3 s behind the row's window: 10 + 60 (not 60 × 1.2) + 30 ≤ 100.
    expect(await reserveBudget(env.DB, 30, T0 + WINDOW_MS + 7_000)).toEqual({ ok: true });
  });

  it("lets a run bigger than a whole window go alone once the window is empty", async () => {
    expect(await reserveBudget(env.DB, 150, T0 + 1_000)).toEqual({ ok: true });
    expect(await reserveBudget(env.DB, 1, T0 + 2_000)).toMatchObject({ ok: false });
  });
});

describe("a run refused for a window about to free room", () => {
  const open = (now: number, waits: number[]) =>
    openBudgetedClient({ db: env.DB, accessToken: "t", basePath: "http://127.0.0.1:9", estimate: 20, now, clock: () => now, sleep: async (ms) => { waits.push(ms); } });

  it("waits for it in place, exactly as long as the rolling window needs, and reserves then", async () => {
    expect(await reserveBudget(env.DB, 90, T0 + 9_000)).toEqual({ ok: true });
    const waits: number[] = [];
    // 1 s into the next window 90 × 0.9 + 20 > 100; from 1.12 s on it fits.
    const opened = await open(T0 + WINDOW_MS + 1_000, waits);
    expect(opened.ok).toBe(true);
    expect(waits).toEqual([112]);
  });

  it("goes back to the queue when the wait is longer, or after a 429", async () => {
    expect(await reserveBudget(env.DB, 99, T0 + 1_000)).toEqual({ ok: true });
    const waits: number[] = [];
    const refused = await open(T0 + 2_000, waits);
    expect(refused).toMatchObject({ ok: false, error: { error: "HubSpot budget: request budget for this window spent" } });
    expect(waits).toEqual([]);
    expect(MAX_INLINE_WAIT_MS).toBeLessThan(8_000);
    await env.DB.prepare("UPDATE rate_budget SET used = 0, previous_used = 0, blocked_until = ?, blocked_reason = '429 TEN_SECONDLY_ROLLING'").bind(T0 + 2_500).run();
    expect(await open(T0 + 2_000, waits)).toMatchObject({ ok: false, error: { retryAfterSeconds: 1 } });
    expect(waits).toEqual([]);
  });
});

