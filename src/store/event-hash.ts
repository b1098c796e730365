// The inbox key: sha-256 of an event's canonical JSON without attemptNumber, so HubSpot's redeliveries of the
// same event (attemptNumber 1, 2, …) and duplicates inside one batch all map to one row. eventId alone is not unique.
import { sha256Hex } from "../sha256";

/**
 * JSON with object keys sorted at every level, so equal content always gives equal text. Pure; never throws for
 * JSON values. Walks with an explicit stack, not recursion: a signed event nested 10,000 deep must hash like any
 * other instead of throwing RangeError and poisoning its whole queue batch.
 */
export function canonicalJson(value: unknown): string {
  type CanonicalWork = { kind: "text"; text: string } | { kind: "value"; value: unknown };
  const out: string[] = [];
  const work: CanonicalWork[] = [{ kind: "value", value }];
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    if (item.kind === "text") {
      out.push(item.text);
      continue;
    }
    const v = item.value;
    if (Array.isArray(v)) {
      // Pushed in reverse so that popping emits "[", the elements in order with commas, then "]".
      work.push({ kind: "text", text: "]" });
      for (let i = v.length - 1; i >= 0; i--) {
        const element: unknown = v[i];
        work.push({ kind: "value", value: element === undefined ? null : element });
        if (i > 0) work.push({ kind: "text", text: "," });
      }
      work.push({ kind: "text", text: "[" });
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, child]) => child !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      work.push({ kind: "text", text: "}" });
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] ?? ["", null];
        work.push({ kind: "value", value: child }, { kind: "text", text: `${i > 0 ? "," : ""}${JSON.stringify(key)}:` });
      }
      work.push({ kind: "text", text: "{" });
    } else {
      out.push(JSON.stringify(v) ?? "null");
    }
  }
  return out.join("");
}

/** sha-256 hex of the event's canonical JSON with attemptNumber removed. */
export function hashEvent(raw: Record<string, unknown>): string {
  const { attemptNumber: _ignored, ...content } = raw;
  return sha256Hex(canonicalJson(content));
}
