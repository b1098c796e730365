// Many rows in one statement: the rows go as one JSON array parameter that the statement reads with json_each, so a
// run's thousands of rows are a few statements, not thousands (a burst's record step was most of a run's time, and
// the queue's next batch waits for it).
import { chunk } from "../chunk";

/** Rows per statement: well under D1's limits on a statement and a bound value for rows of a few hundred bytes. */
const ROWS_PER_STATEMENT = 200;

/** `sql` reads the rows from its last parameter (`json_each(?)`, each row an array: `json_extract(value, '$[0]')`…). */
export function jsonRowsStatements(db: D1Database, sql: string, rows: unknown[][], binds: unknown[] = []): D1PreparedStatement[] {
  return chunk(rows, ROWS_PER_STATEMENT).map((part) => db.prepare(sql).bind(...binds, JSON.stringify(part)));
}

/** `json_extract(value, '$[0]'), …` for `n` columns. */
export function jsonColumns(n: number): string {
  return Array.from({ length: n }, (_, i) => `json_extract(value, '$[${i}]')`).join(", ");
}
