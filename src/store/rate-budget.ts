// rate_budget: one HubSpot request budget shared by every isolate (D1 is the only shared state), so a burst
// drains at HubSpot's pace: a fixed-window counter plus "blocked until" after a 429.

const SCOPE = "hubspot";
export const WINDOW_MS = 10_000;
/** Private apps get 100–190 requests per 10 s; start at the low tier and learn the real max from headers. */
export const DEFAULT_WINDOW_MAX = 80;

export type BudgetDecision = { ok: true } | { ok: false; retryAfterSeconds: number; reason: string };

/**
 * Reserves `calls` requests in the current window. Refuses (with the wait) while blocked after a 429 or when the
 * window is spent. One D1 round trip; the check-and-increment is a single UPDATE, so isolates can't both win.
 */
export async function reserveBudget(db: D1Database, calls: number, now: number): Promise<BudgetDecision> {
  const windowStart = now - (now % WINDOW_MS);
  const [, claim] = await db.batch<{ used: number }>([
    db
      .prepare(
        `INSERT INTO rate_budget (scope, window_start, used, window_max, blocked_until, updated_at) VALUES (?, ?, 0, ?, 0, ?)
         ON CONFLICT (scope) DO UPDATE SET used = CASE WHEN rate_budget.window_start < excluded.window_start THEN 0 ELSE rate_budget.used END,
           window_start = MAX(rate_budget.window_start, excluded.window_start), updated_at = excluded.updated_at`,
      )
      .bind(SCOPE, windowStart, DEFAULT_WINDOW_MAX, now),
    db
      .prepare(
        `UPDATE rate_budget SET used = used + ?, updated_at = ? WHERE scope = ? AND blocked_until <= ?
           AND (used + ? <= window_max OR used = 0) RETURNING used`,
      )
      .bind(calls, now, SCOPE, now, calls),
  ]);
  const claimed = claim?.results[0] ?? null;
  if (claimed !== null) return { ok: true };
  const row = await db
    .prepare("SELECT window_start, blocked_until, blocked_reason FROM rate_budget WHERE scope = ?")
    .bind(SCOPE)
    .first<{ window_start: number; blocked_until: number; blocked_reason: string | null }>();
  if (row !== null && row.blocked_until > now) {
    return { ok: false, retryAfterSeconds: Math.ceil((row.blocked_until - now) / 1000), reason: row.blocked_reason ?? "blocked after 429" };
  }
  const windowEnd = (row?.window_start ?? windowStart) + WINDOW_MS;
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)), reason: "request budget for this window spent" };
}

/** Adds calls made beyond what was reserved. */
export async function chargeBudget(db: D1Database, calls: number, now: number): Promise<void> {
  if (calls <= 0) return;
  await db.prepare("UPDATE rate_budget SET used = used + ?, updated_at = ? WHERE scope = ?").bind(calls, now, SCOPE).run();
}

/** After a 429: every isolate waits until `until`. */
export async function blockBudget(db: D1Database, until: number, reason: string, now: number): Promise<void> {
  await db
    .prepare("UPDATE rate_budget SET blocked_until = MAX(blocked_until, ?), blocked_reason = ?, updated_at = ? WHERE scope = ?")
    .bind(until, reason, now, SCOPE)
    .run();
}

/**
 * Learns the budget from X-HubSpot-RateLimit-Max / -Interval-Milliseconds, scaled to our 10 s window and keeping
 * 20% headroom for other callers of the same token.
 */
export async function learnWindowMax(db: D1Database, headerMax: number, intervalMs: number | null, now: number): Promise<void> {
  const perWindow = headerMax * (WINDOW_MS / Math.max(1, intervalMs ?? WINDOW_MS));
  const max = Math.max(5, Math.floor(perWindow * 0.8));
  await db.prepare("UPDATE rate_budget SET window_max = ?, updated_at = ? WHERE scope = ? AND window_max != ?").bind(max, now, SCOPE, max).run();
}
