// HubSpot's raw string property values → typed values, by the property's portal type. Pure, total (never throws).
import type { PortalPropertyType } from "./types";

export type TypedValue = string | number | boolean;

/**
 * Converts one raw value. Empty/blank and unparseable values are `undefined` (absent: `has(new.x)` is false).
 * number → double; date/datetime → epoch ms (double; accepts epoch-ms strings and ISO dates); bool → "true"/"false".
 */
export function convertValue(type: PortalPropertyType, raw: string | null | undefined): TypedValue | undefined {
  if (typeof raw !== "string") return undefined;
  const text = raw.trim();
  if (text === "") return undefined;
  switch (type) {
    case "number": {
      const n = Number(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case "date":
    case "datetime": {
      const n = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case "bool": {
      const lower = text.toLowerCase();
      return lower === "true" ? true : lower === "false" ? false : undefined;
    }
    case "string":
    case "enumeration":
      return raw;
  }
}

/** The CEL type a portal property type maps to. */
export function celTypeOf(type: PortalPropertyType): "double" | "bool" | "string" {
  switch (type) {
    case "number":
    case "date":
    case "datetime":
      return "double";
    case "bool":
      return "bool";
    case "string":
    case "enumeration":
      return "string";
  }
}

/** Renders a raw value for messages: dates as YYYY-MM-DD, datetimes as ISO, empty as "(empty)". */
export function renderValue(type: PortalPropertyType | undefined, raw: string | null | undefined): string {
  if (typeof raw !== "string" || raw.trim() === "") return "(empty)";
  if (type === "date" || type === "datetime") {
    const ms = convertValue(type, raw);
    if (typeof ms === "number" && Math.abs(ms) < 8.64e15) {
      const iso = new Date(ms).toISOString();
      // HubSpot stores date-only values (a close date) as midnight UTC: show the date a person picked.
      if (type === "date" || iso.endsWith("T00:00:00.000Z")) return iso.slice(0, 10);
      return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
    }
  }
  return raw;
}

const RESERVED = new Set([
  "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
  "namespace", "return", "var", "void", "while", "true", "false", "null",
]);

/** Whether a property name can be read as `new.<name>` in CEL. */
export function isCelIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name);
}
