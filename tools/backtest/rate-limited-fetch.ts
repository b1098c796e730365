// The CLI's HubSpot rate budget: at most `perWindow` calls per rolling window (HubSpot's ten-secondly limit, with
// headroom), and a ten-secondly 429 waited out and retried (a daily one is not: it resets at midnight). The Worker has
// its own D1-shared budget (src/hubspot/budget.ts); this one guards a single CLI run. Node-only.
export interface RateBudget {
  perWindow: number;
  windowMs: number;
  /** Retries of a ten-secondly 429 before giving up. */
  retries: number;
}

/** Private apps get 100 calls per 10 s on the smallest tiers: stay under it with room for the running engine. */
export const DEFAULT_BUDGET: RateBudget = { perWindow: 80, windowMs: 10_000, retries: 3 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `fetch` within the budget. */
export function rateLimitedFetch(budget: RateBudget = DEFAULT_BUDGET, inner: typeof fetch = fetch): typeof fetch {
  const sent: number[] = [];
  const slot = async (): Promise<void> => {
    for (;;) {
      const now = Date.now();
      while (sent.length > 0 && (sent[0] ?? 0) <= now - budget.windowMs) sent.shift();
      if (sent.length < budget.perWindow) {
        sent.push(now);
        return;
      }
      await sleep((sent[0] ?? now) + budget.windowMs - now + 5);
    }
  };
  return async function fetchWithinBudget(input, init) {
    for (let attempt = 0; ; attempt++) {
      await slot();
      const response = await inner(input, init);
      if (response.status !== 429 || attempt >= budget.retries) return response;
      const body = await response.clone().text();
      if (body.includes("DAILY")) return response;
      const interval = Number(response.headers.get("x-hubspot-ratelimit-interval-milliseconds") ?? budget.windowMs);
      await sleep(Number.isFinite(interval) && interval > 0 ? interval : budget.windowMs);
    }
  };
}
