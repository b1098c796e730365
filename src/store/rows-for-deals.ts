// Reads keyed by deal ids: one statement per chunk of ids (D1 binds at most 100 parameters), all sent as one D1 batch
// — one round trip however many deals a burst brings. A chunk at a time was some twenty round trips per query for a
// 2,000-deal batch, on the way to the tasks.
import { chunk } from "../chunk";

const IDS_PER_STATEMENT = 90;

/**
 * Every row `statement` selects for `dealIds` (deduplicated, in chunks); `marks` is the chunk's `?, ?, …` list.
 * A read-only batch: D1 runs it as one transaction, so the chunks see the same state.
 */
export async function rowsForDeals<Row>(db: D1Database, dealIds: readonly string[], statement: (ids: string[], marks: string) => D1PreparedStatement): Promise<Row[]> {
  const parts = chunk([...new Set(dealIds)], IDS_PER_STATEMENT);
  if (parts.length === 0) return [];
  const answers = await db.batch<Row>(parts.map((ids) => statement(ids, ids.map(() => "?").join(","))));
  return answers.flatMap((a) => a.results ?? []);
}
