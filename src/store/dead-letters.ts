// dead_letters: queue messages that failed every retry, with the last known error. Nothing is dropped silently.

export interface DeadLetter {
  id: string;
  queue: string;
  attempts: number;
  body: string;
  error: string | null;
  failedAt: number;
}

/** Records a dead letter once per message id (a redelivered DLQ message doesn't duplicate it). */
export async function recordDeadLetter(db: D1Database, letter: DeadLetter): Promise<void> {
  await db
    .prepare(
      `INSERT INTO dead_letters (id, queue, attempts, body, error, failed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (id) DO NOTHING`,
    )
    .bind(letter.id, letter.queue, letter.attempts, letter.body, letter.error, letter.failedAt)
    .run();
}

/** Most recent dead letters first. */
export async function listDeadLetters(db: D1Database, limit = 100): Promise<DeadLetter[]> {
  const { results } = await db
    .prepare(
      `SELECT id, queue, attempts, body, error, failed_at AS failedAt FROM dead_letters ORDER BY failed_at DESC, id LIMIT ?1`,
    )
    .bind(limit)
    .all<DeadLetter>();
  return results;
}
