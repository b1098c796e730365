// The OpenAPI 3.1 description of /api, hand-written to match query-schemas.ts (the API's contract tests
// check that every documented parameter is accepted). Served at /api/openapi.json and rendered at /api/docs.
import { VERSION } from "../version";
import { str } from "./openapi-parts";
import { adminPaths, reportsPaths, reviewPaths, tokensPaths, violationsPaths } from "./openapi-paths";

export { VIOLATION_FILTER_PARAMS, WINDOW_PARAMS } from "./openapi-parts";

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
            severity: { enum: ["info", "warning", "critical"] }, mode: { enum: ["audit", "warn", "enforce"] }, message: str("What the rule says"),
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
    paths: { ...violationsPaths(), ...reportsPaths(), ...reviewPaths(), ...tokensPaths(), ...adminPaths() },
  };
}
