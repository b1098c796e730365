// rate_budget: one HubSpot request budget shared by every isolate (D1 is the only shared state), so a burst
// drains at HubSpot's pace: a sliding-window estimate over 10 s windows, plus "blocked until" after a 429.

const SCOPE = "hubspot";
export const WINDOW_MS = 10_000;
/** Private apps get 100–190 requests per 10 s; start at the low tier and learn the real max from headers. */
export const DEFAULT_WINDOW_MAX = 80;

/**
 * A refusal says how long to wait: `waitMs` exactly (the window fading), `retryAfterSeconds` for the queue; `blocked`
 * after a 429; `room`: the calls that would fit now (0 while blocked) — a run too big to wait for does that much of it.
 */
export type BudgetDecision = { ok: true } | { ok: false; retryAfterSeconds: number; waitMs: number; blocked: boolean; reason: string; room: number };

/** The previous window's weight at the time bound to `param`: never above 1 (a clock behind the row's window). */
const weightSql = (param: string) => `MIN(1.0, MAX(0.0, (window_start + ${WINDOW_MS} - ${param}) / ${WINDOW_MS}.0))`;

/**
 * Calls counted against the window at `now`: this window's, plus the previous window's weighted by how much of it
 * the rolling 10 s still covers. HubSpot's limit is rolling; a fixed-window count alone allowed twice the limit
 * across a window boundary.
 */
const IN_WINDOW_SQL = `used + previous_used * ${weightSql("?")}`;

/**
 * Reserves `calls` requests. Refuses (with the wait) while blocked after a 429 or when the rolling window is spent; a
 * run larger than a whole window goes alone, once the current window is empty. One D1 round trip; the
 * check-and-increment is a single UPDATE, so isolates can't both win.
 */
export async function reserveBudget(db: D1Database, calls: number, now: number): Promise<BudgetDecision> {
  const [, claim] = await db.batch<{ used: number }>([
    rollWindowStatement(db, now),
    db
      .prepare(
        `UPDATE rate_budget SET used = used + ?, updated_at = ? WHERE scope = ? AND blocked_until <= ?
           AND (${IN_WINDOW_SQL} + ? <= window_max OR (used = 0 AND ? > window_max)) RETURNING used`,
      )
      .bind(calls, now, SCOPE, now, now, calls, calls),
  ]);
  const claimed = claim?.results[0] ?? null;
  if (claimed !== null) return { ok: true };
  const row = await db
    .prepare("SELECT window_start, used, previous_used, window_max, blocked_until, blocked_reason FROM rate_budget WHERE scope = ?")
    .bind(SCOPE)
    .first<{ window_start: number; used: number; previous_used: number; window_max: number; blocked_until: number; blocked_reason: string | null }>();
  if (row !== null && row.blocked_until > now) {
    const wait = row.blocked_until - now;
    return { ok: false, retryAfterSeconds: Math.ceil(wait / 1000), waitMs: wait, blocked: true, reason: row.blocked_reason ?? "blocked after 429", room: 0 };
  }
  const wait = Math.max(1, Math.ceil(waitMs(row, calls, now)));
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)), waitMs: wait, blocked: false, reason: "request budget for this window spent", room: roomAt(row, now) };
}

/** Moves the row to the window `now` is in (this window's count becomes the previous one's); creates it if missing. */
function rollWindowStatement(db: D1Database, now: number): D1PreparedStatement {
  const windowStart = now - (now % WINDOW_MS);
  return db
    .prepare(
      `INSERT INTO rate_budget (scope, window_start, used, previous_used, window_max, blocked_until, updated_at) VALUES (?, ?, 0, 0, ?, 0, ?)
       ON CONFLICT (scope) DO UPDATE SET
         previous_used = CASE WHEN rate_budget.window_start >= excluded.window_start THEN rate_budget.previous_used
                              WHEN rate_budget.window_start = excluded.window_start - ${WINDOW_MS} THEN rate_budget.used ELSE 0 END,
         used = CASE WHEN rate_budget.window_start < excluded.window_start THEN 0 ELSE rate_budget.used END,
         window_start = MAX(rate_budget.window_start, excluded.window_start), updated_at = excluded.updated_at`,
    )
    .bind(SCOPE, windowStart, DEFAULT_WINDOW_MAX, now);
}

/** The calls that fit in the rolling window at `now` (as IN_WINDOW_SQL counts it), rounded down. */
function roomAt(row: { window_start: number; used: number; previous_used: number; window_max: number } | null, now: number): number {
  if (row === null) return 0;
  const weight = Math.min(1, Math.max(0, (row.window_start + WINDOW_MS - now) / WINDOW_MS));
  return Math.max(0, Math.floor(row.window_max - row.used - row.previous_used * weight));
}

/** How long until `calls` fit: the previous window's weight fading, or this window ending and then its own fading. */
function waitMs(row: { window_start: number; used: number; previous_used: number; window_max: number } | null, calls: number, now: number): number {
  if (row === null) return WINDOW_MS;
  const windowEnd = row.window_start + WINDOW_MS;
  const room = row.window_max - calls;
  if (row.used <= room && row.previous_used > 0) return ((row.used + row.previous_used - room) * WINDOW_MS) / row.previous_used - (now - row.window_start);
  return windowEnd - now + (row.used > 0 ? (Math.max(0, row.used - room) * WINDOW_MS) / row.used : 0);
}

/**
 * Settles a run against what it reserved at `reservedAt`: calls made beyond the reservation are added; reserved calls
 * it didn't make are given back to the window they were reserved in (this one, or the previous one once the window
 * has rolled). Kept, they would refuse later runs for calls never sent — in a burst every run reserves a task batch and
 * a write most never make, and each refusal defers messages by whole seconds.
 */
export async function chargeBudget(db: D1Database, calls: number, reservedAt: number): Promise<void> {
  if (calls === 0) return;
  if (calls > 0) {
    await db.prepare("UPDATE rate_budget SET used = used + ?, updated_at = ? WHERE scope = ?").bind(calls, reservedAt, SCOPE).run();
    return;
  }
  const windowStart = reservedAt - (reservedAt % WINDOW_MS);
  await db
    .prepare(
      `UPDATE rate_budget SET
         used = CASE WHEN window_start = ?1 THEN MAX(0, used - ?2) ELSE used END,
         previous_used = CASE WHEN window_start = ?1 + ${WINDOW_MS} THEN MAX(0, previous_used - ?2) ELSE previous_used END
       WHERE scope = ?3`,
    )
    .bind(windowStart, -calls, SCOPE)
    .run();
}

/** After a 429: every isolate waits until `until`. */
export async function blockBudget(db: D1Database, until: number, reason: string, now: number): Promise<void> {
  await db
    .prepare("UPDATE rate_budget SET blocked_until = MAX(blocked_until, ?), blocked_reason = ?, updated_at = ? WHERE scope = ?")
    .bind(until, reason, now, SCOPE)
    .run();
}

/**
 * Raises this window's count to what HubSpot says is used (X-HubSpot-RateLimit-Max − -Remaining over its rolling
 * interval, scaled to our window; HubSpot's changelog of 2018-11-06 "Rate limit information headers"). The sliding
 * estimate assumes the previous window's calls were spread evenly; a burst whose big runs end a window breaks that,
 * and the estimate said room while HubSpot answered 429 (then every isolate waits a whole window). Put on this window,
 * the shortfall is held until the window ends and then fades — longer than HubSpot holds those calls, which errs on
 * the side of no 429. It counts the portal's other callers of the token too. Only ever raises.
 */
export async function learnUsed(db: D1Database, usedByHubSpot: number, at: number): Promise<void> {
  const windowStart = at - (at % WINDOW_MS);
  await db.batch([
    rollWindowStatement(db, at),
    db
      .prepare(`UPDATE rate_budget SET used = MAX(used, ?1 - CAST(previous_used * ${weightSql("?2")} AS INTEGER)) WHERE scope = ?3 AND window_start = ?4`)
      .bind(Math.ceil(usedByHubSpot), at, SCOPE, windowStart),
  ]);
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
