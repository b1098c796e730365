// HubSpot's changeSource values, normalised into the categories a policy names (REFERENCE.md §3).
import type { ChangeSourceKind } from "./types";

export const CHANGE_SOURCE_KINDS: readonly ChangeSourceKind[] = [
  "ui", "bulk", "import", "workflow", "integration", "api", "internal", "other",
];

/** Maps a raw changeSource (any case) to its category; unknown values → "other". */
export function normalizeChangeSource(raw: string | null | undefined): ChangeSourceKind {
  switch ((raw ?? "").toUpperCase()) {
    case "CRM_UI":
      return "ui";
    case "CRM_UI_BULK_ACTION":
      return "bulk";
    case "IMPORT":
      return "import";
    case "WORKFLOW":
    case "AUTOMATION":
      return "workflow";
    case "INTEGRATION":
      return "integration";
    case "API":
      return "api";
    case "HUBSPOT_INTERNAL":
      return "internal";
    default:
      return "other";
  }
}
