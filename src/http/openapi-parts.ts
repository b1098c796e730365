// Building blocks of the OpenAPI document: parameter lists shared with the contract tests, and the small
// helpers every path description uses.

export type Schema = Record<string, unknown>;
export interface Param {
  name: string;
  in: "query" | "path";
  required?: boolean;
  description: string;
  schema: Schema;
}

export const str = (description: string, extra: Schema = {}): Schema => ({ type: "string", description, ...extra });
export const q = (name: string, description: string, schema: Schema = { type: "string" }): Param => ({ name, in: "query", description, schema });
export const timeDoc = "YYYY-MM-DD, ISO-8601 datetime with zone, or epoch milliseconds";

export const WINDOW_PARAMS: Param[] = [
  q("from", `Start of the window (inclusive) on occurred_at: ${timeDoc}. Default: 12 weeks before \`to\`. Reports (summary, reps, policies) take a window of at most 731 days (400 beyond).`),
  q("to", `End of the window (exclusive; a bare date includes that whole day): ${timeDoc}. Default: now.`),
];

export const VIOLATION_FILTER_PARAMS: Param[] = [
  q("status", "open or resolved", { type: "string", enum: ["open", "resolved"] }),
  q("owner", "Deal owner: name (\"Dev Garcia\"), email or HubSpot owner id. An unknown or ambiguous name is a 400 naming it."),
  q("team", "Owner's team: name or id. Team-limited tokens get 403 for a team outside their list."),
  q("policy", "Policy: id or description"),
  q("rule", "Rule: id or description (combine with policy: rule ids are unique per policy)"),
  q("severity", "info, warning or critical", { type: "string", enum: ["info", "warning", "critical"] }),
  q("mode", "audit, warn or enforce", { type: "string", enum: ["audit", "warn", "enforce"] }),
  q("pipeline", "Pipeline id"),
  q("stage", "Stage the deal moved to: label (\"Contract Sent\") or id; add pipeline when a label is in several pipelines"),
  q("deal", "Deal id"),
  ...WINDOW_PARAMS,
];

const error = { $ref: "#/components/schemas/Error" };
export const errors = (codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description: { 400: "Invalid query (details name each bad field)", 401: "Missing, unknown, expired or revoked credential", 403: "Role or team not allowed", 404: "Not found" }[code] ?? "Error",
        content: { "application/json": { schema: error } },
      },
    ]),
  );
export const json = (description: string, schema: Schema) => ({ description, content: { "application/json": { schema } } });
export const obj = (description: string): Schema => ({ type: "object", description });
