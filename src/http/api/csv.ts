// CSV export of a violation query: streams every matching row by paging the same keyset query internally.
import { listViolations, type Cursor, type PageRequest, type ViolationFilter } from "../../store/violations-query";
import { VIOLATION_ITEM_FIELDS, type ViolationItem } from "../../store/violations";

const PAGE_SIZE = 500;

/** RFC 4180 quoting; arrays are written as JSON so CSV and JSON carry the same values. */
export function toCsvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : Array.isArray(value) ? JSON.stringify(value) : String(value);
  // A leading = + - @ would be run as a formula by spreadsheets: prefix with a quote (OWASP CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsvRow(item: ViolationItem): string {
  return VIOLATION_ITEM_FIELDS.map((f) => toCsvCell(item[f])).join(",") + "\r\n";
}

/** A stream of the header and every row of the query, starting after `after` if given. */
export function streamViolationsCsv(db: D1Database, filter: ViolationFilter, sort: PageRequest["sort"], after?: Cursor): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: Cursor | undefined = after;
  let headerSent = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(VIOLATION_ITEM_FIELDS.join(",") + "\r\n"));
        return;
      }
      if (done) return;
      const page = await listViolations(db, filter, { sort, limit: PAGE_SIZE, after: cursor });
      if (page.items.length) controller.enqueue(encoder.encode(page.items.map(toCsvRow).join("")));
      if (page.next) cursor = page.next;
      else {
        done = true;
        controller.close();
      }
    },
  });
}
