// CSV export of a violation query: streams every matching row by paging the same keyset query internally.
import { listViolations, type Cursor, type PageRequest, type ViolationFilter } from "../../store/violations-query";
import { VIOLATION_ITEM_FIELDS } from "../../store/violations";
import type { CatalogPolicy } from "./policy-catalog";
import { NAME_FIELDS, nameViolations, type NamedViolation } from "./with-names";

const PAGE_SIZE = 500;

/**
 * RFC 4180 quoting; arrays are written as JSON so CSV and JSON carry the same values. Text a spreadsheet would run
 * as a formula gets a leading apostrophe (OWASP CSV injection; see `startsLikeFormula`). Numbers and booleans are
 * ours, never a client's text, and stay as they are so that they remain numbers in a spreadsheet.
 */
export function toCsvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = typeof value === "string" ? value : Array.isArray(value) ? JSON.stringify(value) : String(value);
  const safe = startsLikeFormula(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

// = + - @ and the full-width and small forms some spreadsheets fold to them (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫), and the minus sign.
const FORMULA_STARTS = new Set(["=", "+", "-", "@", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20", "\uFE66", "\uFE62", "\uFE63", "\uFE6B", "\u2212"]);
// Zero-width characters a spreadsheet may skip like whitespace before reading a formula.
const INVISIBLE = new Set(["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF"]);

/**
 * Whether a spreadsheet could read `text` as a formula, or as something hiding one: it starts with a control
 * character (tab, CR, LF, NUL… — they push what follows out of sight or start a new cell line), or its first
 * character after any whitespace or zero-width characters is a formula start. Pure.
 */
export function startsLikeFormula(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first < 0x20 || first === 0x7f) return true;
  for (const ch of text) {
    if (FORMULA_STARTS.has(ch)) return true;
    if (!/\s/u.test(ch) && !INVISIBLE.has(ch)) return false;
  }
  return false;
}

/** The violation's fields, then the names beside its ids (owner, team, who made the change, rule, policy). */
export function toCsvRow(item: NamedViolation): string {
  return [...VIOLATION_ITEM_FIELDS.map((f) => toCsvCell(item[f])), ...NAME_FIELDS.map((f) => toCsvCell(item[f]))].join(",") + "\r\n";
}

/** A stream of the header and every row of the query, starting after `after` if given. */
export function streamViolationsCsv(db: D1Database, filter: ViolationFilter, sort: PageRequest["sort"], catalog: readonly CatalogPolicy[], after?: Cursor): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: Cursor | undefined = after;
  let headerSent = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode([...VIOLATION_ITEM_FIELDS, ...NAME_FIELDS].join(",") + "\r\n"));
        return;
      }
      if (done) return;
      const page = await listViolations(db, filter, { sort, limit: PAGE_SIZE, after: cursor });
      if (page.items.length) controller.enqueue(encoder.encode((await nameViolations(db, page.items, catalog)).map(toCsvRow).join("")));
      if (page.next) cursor = page.next;
      else {
        done = true;
        controller.close();
      }
    },
  });
}
