// The shared HubSpot request budget against HubSpot's rolling ten-second limit: the previous window's calls still
// count at the start of the next (a fixed-window counter allowed twice the limit across a boundary — 429s in
// bench:enforce), fade as the rolling window leaves them behind, and a refusal says how long until the run fits.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { chargeBudget, reserveBudget, WINDOW_MS } from "../../../src/store/rate-budget";

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
    expect(refused).toMatchObject({ ok: false, reason: "request budget for this window spent" });
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

  it("waits for the current window to end and fade when the window itself is spent", async () => {
    expect(await reserveBudget(env.DB, 80, T0 + 1_000)).toEqual({ ok: true });
    const refused = await reserveBudget(env.DB, 40, T0 + 2_000);
    // 8 s to the boundary, then 80 × (1 − t/10 s) + 40 ≤ 100 from t = 2.5 s.
    expect(refused.ok ? 0 : refused.retryAfterSeconds).toBe(11);
    expect(await reserveBudget(env.DB, 40, T0 + WINDOW_MS + 2_400)).toMatchObject({ ok: false });
    expect(await reserveBudget(env.DB, 40, T0 + WINDOW_MS + 2_600)).toEqual({ ok: true });
  });

  it("lets a run bigger than a whole window go alone once the window is empty", async () => {
    expect(await reserveBudget(env.DB, 150, T0 + 1_000)).toEqual({ ok: true });
    expect(await reserveBudget(env.DB, 1, T0 + 2_000)).toMatchObject({ ok: false });
  });
});
