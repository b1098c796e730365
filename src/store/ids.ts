// Deterministic ids for enforcement rows: the same inputs always give the same id, so inserts are idempotent.
import { sha256Hex } from "../sha256";

/** sha-256 hex (first 32 chars) of the parts joined with a unit separator. Pure and synchronous. */
export function deterministicId(...parts: Array<string | number | null>): string {
  return sha256Hex(parts.map((p) => (p === null ? "\u0000" : String(p))).join("\u001f")).slice(0, 32);
}
