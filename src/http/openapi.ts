// The OpenAPI 3.1 description of /api, hand-written to match query-schemas.ts (the API's contract tests
// check that every documented parameter is accepted). Served at /api/openapi.json and rendered at /api/docs.
import { VERSION } from "../version";

type Schema = Record<string, unknown>;
interface Param {
  name: string;
  in: "query" | "path";
  required?: boolean;
  description: string;
  schema: Schema;
}

const str = (description: string, extra: Schema = {}): Schema => ({ type: "string", description, ...extra });
const q = (name: string, description: string, schema: Schema = { type: "string" }): Param => ({ name, in: "query", description, schema });
const timeDoc = "YYYY-MM-DD, ISO-8601 datetime with zone, or epoch milliseconds";

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
  q("mode", "audit or enforce", { type: "string", enum: ["audit", "enforce"] }),
  q("pipeline", "Pipeline id"),
  q("stage", "Stage the deal moved to: label (\"Contract Sent\") or id; add pipeline when a label is in several pipelines"),
  q("deal", "Deal id"),
  ...WINDOW_PARAMS,
];

const error = { $ref: "#/components/schemas/Error" };
const errors = (codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description: { 400: "Invalid query (details name each bad field)", 401: "Missing, unknown, expired or revoked credential", 403: "Role or team not allowed", 404: "Not found" }[code] ?? "Error",
        content: { "application/json": { schema: error } },
      },
    ]),
  );
const json = (description: string, schema: Schema) => ({ description, content: { "application/json": { schema } } });
const obj = (description: string): Schema => ({ type: "object", description });

/** Returns the OpenAPI 3.1 document. Pure. */
export function buildOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "Deal governance — managers' API",
      version: VERSION,
      description:
        "Read the violation log, summaries and rep records. Authenticate with `Authorization: Bearer dg_…` (create tokens with `npm run tokens -- create`). " +
        "Manager tokens may be limited to teams: their results only ever contain those teams, and asking for another team's data is 403.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token (dg_…)." } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: { error: { type: "object", required: ["code", "message"], properties: { code: str("Error code, e.g. INVALID_QUERY"), message: str("Human-readable"), details: { description: "For INVALID_QUERY: [{ field, message }]" } } } },
        },
        Violation: {
          type: "object",
          properties: {
            id: str("Violation id"), portalId: { type: "integer" }, dealId: str("HubSpot deal id"), dealName: str("Deal name", { type: ["string", "null"] }),
            pipelineId: str("Pipeline id"), fromStage: str("Stage before"), toStage: str("Stage after"), fromStageLabel: str("Label"), toStageLabel: str("Label"),
            policyId: str("Policy"), policyVersion: str("Content hash of the policy"), ruleId: str("Rule"),
            severity: { enum: ["info", "warning", "critical"] }, mode: { enum: ["audit", "enforce"] }, message: str("What the rule says"),
            missing: { type: "array", items: { type: "string" } }, ownerId: str("Deal owner"), teamId: str("Owner's team"), actorUserId: str("Who made the change"),
            changeSource: str("HubSpot change source"), taskId: str("Corrective task id"), reverted: { type: "boolean" }, status: { enum: ["open", "resolved"] },
            occurredAt: str("ISO time of the change", { format: "date-time" }), detectedAt: str("ISO", { format: "date-time" }),
            resolvedAt: str("ISO or null", { format: "date-time" }), timeToFixMs: { type: ["integer", "null"] },
            ownerName: str("Deal owner's name (null when unknown)"), teamName: str("Team's name"), actorName: str("Name of the person who made the change"),
            ruleDescription: str("The rule's description"), policyDescription: str("The policy's description"),
          },
        },
      },
    },
    paths: {
      "/api/violations": {
        get: {
          summary: "List violations",
          description:
            "Newest first by default. Pagination is keyset on (occurred_at, id): pass `nextCursor` back as `cursor`; pages stay stable while new violations arrive. " +
            "`format=csv` streams every matching row (from the cursor on) as CSV with the same fields as the JSON items.",
          parameters: [
            ...VIOLATION_FILTER_PARAMS,
            q("sort", "-occurred_at (newest first, default) or occurred_at", { type: "string", enum: ["-occurred_at", "occurred_at"] }),
            q("limit", "Page size 1–500 (default 50)", { type: "integer", minimum: 1, maximum: 500 }),
            q("cursor", "Opaque cursor from a previous page's nextCursor"),
            q("format", "json (default) or csv", { type: "string", enum: ["json", "csv"] }),
          ],
          responses: {
            200: {
              description: "A page",
              content: {
                "application/json": { schema: { type: "object", properties: { items: { type: "array", items: { $ref: "#/components/schemas/Violation" } }, nextCursor: { type: ["string", "null"] } } } },
                "text/csv": { schema: { type: "string" } },
              },
            },
            ...errors([400, 401, 403]),
          },
        },
      },
      "/api/violations/{id}": {
        get: {
          summary: "One violation with its trace, actions and outcomes, and source events",
          parameters: [{ name: "id", in: "path", required: true, description: "Violation id", schema: { type: "string" } }],
          responses: { 200: json("The violation", obj("Violation plus trace, actions, sourceEvents, resolvedBy…")), ...errors([400, 401, 403, 404]) },
        },
      },
      "/api/summary": {
        get: {
          summary: "Counts by owner, team, rule, stage and week; open vs resolved; median time-to-fix (people's fixes); share of compliant stage moves (creations counted apart)",
          parameters: [q("team", "Team name or id"), q("owner", "Owner name, email or id"), q("policy", "Policy id or description"), q("rule", "Rule id or description"), ...WINDOW_PARAMS],
          responses: { 200: json("The summary; each row carries names next to ids (ownerName, teamName, ruleDescription, policyDescription, stageLabel)", obj("totals, medianTimeToFixMs, resolutions, stageChanges, byOwner, byTeam, byRule, byStage, byWeek")), ...errors([400, 401, 403]) },
        },
      },
      "/api/reps/{ownerId}": {
        get: {
          summary: "A rep's violations, compliance rate, stage-to-stage conversion, median time in stage, close-date pushes",
          parameters: [{ name: "ownerId", in: "path", required: true, description: "HubSpot owner id", schema: { type: "string" } }, ...WINDOW_PARAMS],
          responses: { 200: json("The rep's record", obj("violations, byRule, stageChanges, stages, closeDatePushes, trend, openViolations")), ...errors([400, 401, 403, 404]) },
        },
      },
      "/api/review": {
        get: {
          summary: "A team's weekly pipeline review: stage moves, close-date slips, stale deals, new and fixed violations, each rep against last week and the team",
          description:
            "Weeks run Monday 00:00 to Monday 00:00 UTC. Every deal row carries `hubspotUrl` (HUBSPOT_PORTAL_UI_URL, default the portal's app.hubspot.com record). " +
            "Each list holds at most 500 rows and says `truncated` when it was cut. Stale deals: days in their current stage above the team's median for that stage (last 180 days).",
          parameters: [
            { ...q("team", "Team id or team name (case-insensitive). 400 naming an unknown or ambiguous one; 403 outside the token's teams."), required: true },
            q("week", `Any instant in the week: ${timeDoc}. Default: this week (partial).`),
          ],
          responses: { 200: json("The review", obj("teamId, week, moveCounts, moves, closeDateSlips, staleDeals, newViolations, fixedViolations, reps[{ ownerId, thisWeek, lastWeek }], team, names")), ...errors([400, 401, 403]) },
        },
      },
      "/api/reps/{ownerId}/trend": {
        get: {
          summary: "A rep's coaching trend: per stage and month, conversion and median time in stage next to the team's; compliance and data completeness per month",
          description:
            "Months are UTC calendar months ending with the current (partial) one. `change` compares the latest complete month with the one before. " +
            "Definitions (docs/managers.md): conversion = of the deals that entered a stage, the share that later reached any later stage but Closed Lost (or Closed Won); " +
            "compliance = stage moves with no violation, deal creations excluded; completeness = stage changes no rule found lacking required data.",
          parameters: [
            { name: "ownerId", in: "path", required: true, description: "HubSpot owner id, or the rep's name", schema: { type: "string" } },
            q("months", "Months in the trend, 1–24 (default 6)", { type: "integer", minimum: 1, maximum: 24 }),
          ],
          responses: { 200: json("The trend", obj("ownerId, teamId, months, change, stages[{ stage, months[{ month, rep, team }], change }], compliance[], names")), ...errors([400, 401, 403, 404]) },
        },
      },
      "/api/adoption": {
        get: {
          summary: "Adoption health: weekly compliance and data completeness per team; a team is flagged when either fell more than ADOPTION_DROP_POINTS in two weeks",
          description: "Compares the last complete week with the week two weeks before it (weeks with fewer than 5 stage changes are not compared). Flagged teams come first.",
          parameters: [q("team", "Team id or name; default every team the token sees"), q("weeks", "Weeks in the series, 2–104 (default 12)", { type: "integer", minimum: 2, maximum: 104 })],
          responses: { 200: json("Adoption health", obj("dropThresholdPoints, teams[{ teamId, weeks[{ week, partial, changes, complianceRate, completeness }], flag }], names")), ...errors([400, 401, 403]) },
          },
        },
      "/api/policies": {
        get: {
          summary: "Every policy and rule with its description, plain condition (explain), mode, hits in the window and a weekly trend",
          parameters: [...WINDOW_PARAMS],
          responses: { 200: json("The policies index", obj("window, policies[{ id, description, mode, rules[{ id, description, explain, mode, open, resolved, total, weekly }] }]")), ...errors([400, 401]) },
        },
      },
      "/api/policies/{policyId}": {
        get: {
          summary: "A policy's hits per rule and mode, and what enforce would have done for audit-mode hits",
          parameters: [{ name: "policyId", in: "path", required: true, description: "Policy id", schema: { type: "string" } }, ...WINDOW_PARAMS],
          responses: { 200: json("Policy statistics", obj("rules, wouldHaveDone, versions")), ...errors([400, 401, 403]) },
        },
      },
      "/api/me": { get: { summary: "Who the credential belongs to", responses: { 200: json("The principal", obj("tokenId, name, role, teams")), ...errors([401]) } } },
      "/api/tokens": {
        get: { summary: "List tokens (admin)", responses: { 200: json("Tokens without hashes", obj("tokens")), ...errors([401, 403]) } },
        post: {
          summary: "Create a token (admin); the token is in the response once",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { type: "object", required: ["name", "role"], properties: { name: str("Unique name"), role: { enum: ["admin", "manager"] }, teams: { type: ["array", "null"], items: { type: "string" } }, expiresAt: str("ISO datetime or null", { format: "date-time" }) } } } },
          },
          responses: { 201: json("The new token", obj("token, id, name, role, teams, expiresAt")), ...errors([400, 401, 403]) },
        },
      },
      "/api/tokens/{idOrName}/revoke": {
        post: {
          summary: "Revoke a token and its browser sessions (admin)",
          parameters: [{ name: "idOrName", in: "path", required: true, description: "Token id or name", schema: { type: "string" } }],
          responses: { 200: json("Revoked", obj("revoked")), ...errors([401, 403, 404]) },
        },
      },
    },
  };
}
