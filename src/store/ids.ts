// Deterministic ids for enforcement rows: the same inputs always give the same id, so inserts are idempotent.

/** sha-256 hex (first 32 chars) of the parts joined with a unit separator. */
export async function deterministicId(...parts: Array<string | number | null>): Promise<string> {
  const text = parts.map((p) => (p === null ? "\u0000" : String(p))).join("\u001f");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 32);
}

/** D1 limits bound parameters per statement; callers chunk IN-lists with this. */
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
