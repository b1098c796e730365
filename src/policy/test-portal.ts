// Fixtures for the policy core's own tests: a portal (HubSpot's default pipeline plus a numeric-id one), a
// policy-file builder and a change builder. Pure data; imported only by *.test.ts.
import type { DealChange, PolicyFile, PortalSchema } from "./types";

export const TEST_PORTAL: PortalSchema = {
  pipelines: [
    {
      id: "default",
      label: "Sales Pipeline",
      displayOrder: 0,
      stages: [
        { id: "appointmentscheduled", label: "Appointment Scheduled", displayOrder: 0, isClosed: false, probability: 0.2 },
        { id: "qualifiedtobuy", label: "Qualified To Buy", displayOrder: 1, isClosed: false, probability: 0.4 },
        { id: "presentationscheduled", label: "Presentation Scheduled", displayOrder: 2, isClosed: false, probability: 0.6 },
        { id: "decisionmakerboughtin", label: "Decision Maker Bought-In", displayOrder: 3, isClosed: false, probability: 0.8 },
        { id: "contractsent", label: "Contract Sent", displayOrder: 4, isClosed: false, probability: 0.9 },
        { id: "closedwon", label: "Closed Won", displayOrder: 5, isClosed: true, probability: 1 },
        { id: "closedlost", label: "Closed Lost", displayOrder: 6, isClosed: true, probability: 0 },
      ],
    },
    {
      id: "7654321",
      label: "Renewals",
      displayOrder: 1,
      stages: [
        // Deliberately listed out of display order: the index comes from displayOrder.
        { id: "1002", label: "Negotiation", displayOrder: 1, isClosed: false, probability: 0.5 },
        { id: "1001", label: "Renewal Due", displayOrder: 0, isClosed: false, probability: 0.3 },
        { id: "1003", label: "Renewed", displayOrder: 2, isClosed: true, probability: 1 },
        { id: "1004", label: "Churned", displayOrder: 3, isClosed: true, probability: 0 },
      ],
    },
  ],
  properties: [
    { name: "dealname", type: "string" },
    { name: "amount", type: "number" },
    { name: "closedate", type: "datetime" },
    { name: "dealstage", type: "enumeration" },
    { name: "pipeline", type: "enumeration" },
    { name: "hubspot_owner_id", type: "enumeration" },
    { name: "hs_next_step", type: "string" },
    { name: "decision_maker", type: "string" },
    { name: "manager_approved", type: "bool" },
    { name: "closed_lost_reason", type: "string" },
    { name: "hs_priority", type: "enumeration" },
    { name: "kickoff_date", type: "date" },
  ],
};

/** A policy file whose rules section is `rules` (YAML, indented under `rules:`), with optional header lines. */
export function policyFile(rules: string, header = "", id = "test-policy", path = "policies/test.yaml"): PolicyFile {
  const text = ["apiVersion: governance/v1", "kind: DealPolicy", `id: ${id}`, header, "rules:", rules].filter((l) => l !== "").join("\n");
  return { path, text: `${text}\n` };
}

export const NOW = Date.UTC(2026, 5, 1, 12); // 2026-06-01T12:00Z, a Monday

/** A stage move in the default pipeline by the deal's owner in the UI, with sensible deal values. */
export function makeChange(overrides: Partial<DealChange> = {}): DealChange {
  const base: DealChange = {
    dealId: "42",
    kind: "updated",
    pipelineId: "default",
    fromPipelineId: "default",
    fromStage: "qualifiedtobuy",
    toStage: "presentationscheduled",
    changedProperties: ["dealstage"],
    old: { dealname: "Acme", amount: "10000", closedate: "2026-07-01", dealstage: "qualifiedtobuy", hubspot_owner_id: "201" },
    new: { dealname: "Acme", amount: "10000", closedate: "2026-07-01", dealstage: "presentationscheduled", hubspot_owner_id: "201" },
    ownerId: "201",
    ownerTeamIds: ["team-emea"],
    actor: { userId: "101", ownerId: "201", teamIds: ["team-emea"], isDealOwner: true, isManager: false, changeSource: "CRM_UI", sourceId: "userId:101" },
    associations: { contacts: 1, companies: 1, line_items: 0 },
    occurredAt: NOW,
  };
  return { ...base, ...overrides };
}
