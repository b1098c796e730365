// The paths of the OpenAPI document, one function per route family (mirrors src/http/api/*).
import { errors, json, obj, q, str, timeDoc, VIOLATION_FILTER_PARAMS, WINDOW_PARAMS } from "./openapi-parts";

/** The violation log: list (filters, cursor, CSV) and one violation. */
export function violationsPaths(): Record<string, unknown> {
  return {
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
  };
}

/** Reports: summary, a rep's record, the policies index and one policy, who am I. */
export function reportsPaths(): Record<string, unknown> {
  return {
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
    "/api/policies": {
      get: {
        summary: "Every policy and rule with its description, plain condition (explain), mode, hits in the window and a weekly trend; the policy set's version history",
        parameters: [...WINDOW_PARAMS],
        responses: { 200: json("The policies index", obj("window, policies[{ id, description, mode, rules[{ id, description, explain, mode, open, resolved, total, weekly }] }], history[{ id, setVersion, previousId, firstRunAt, bundledAt, commit, author, committedAt, subject, dirty, bundledBy, modeOverride, rules, changes[{ policyId, ruleId, kind, modeBefore, modeAfter, textBefore, textAfter }] }] (newest first, at most 20)")), ...errors([400, 401]) },
      },
    },
    "/api/policies/{policyId}": {
      get: {
        summary: "A policy's hits per rule and mode, what enforce would have done for audit- and warn-mode hits, and the versions that changed its rules",
        parameters: [{ name: "policyId", in: "path", required: true, description: "Policy id", schema: { type: "string" } }, ...WINDOW_PARAMS],
        responses: { 200: json("Policy statistics", obj("rules, wouldHaveDone, versions, history (the set versions that changed this policy's rules, newest first, with those changes)")), ...errors([400, 401, 403]) },
      },
    },
    "/api/me": { get: { summary: "Who the credential belongs to", responses: { 200: json("The principal", obj("tokenId, name, role, teams")), ...errors([401]) } } },
  };
}

/** The weekly review, a rep's coaching trend and adoption health. */
export function reviewPaths(): Record<string, unknown> {
  return {
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
  };
}

/** Token administration (admin role). */
export function tokensPaths(): Record<string, unknown> {
  return {
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
  };
}

/** What failed or still waits (admin role): pending inbox rows and dead letters, and their replay. */
export function adminPaths(): Record<string, unknown> {
  return {
    "/api/admin/failures": {
      get: {
        summary: "Pending inbox rows (count, oldest age, last error; those past the queue's retry horizon apart) and dead letters (reason, attempts, replay state) (admin)",
        parameters: [q("limit", "Dead letters listed, 1–500 (default 100)", { type: "integer", minimum: 1, maximum: 500 })],
        responses: { 200: json("The failures report", obj("pending{ count, oldestReceivedAt, oldestAgeSeconds, lastError }, stalePending, horizonSeconds, deadLetters{ total, items[] }")), ...errors([400, 401, 403]) },
      },
    },
    "/api/admin/dead-letters/replay": {
      post: {
        summary: "Replay every dead letter not replayed yet through the EVENTS queue (admin); idempotent — the inbox keys events by content",
        responses: { 200: json("What was asked and sent", obj("requested, replayed")), ...errors([401, 403]) },
      },
    },
  };
}
