// The pipelines a fresh portal has: HubSpot's default deal pipeline, and an optional second one with numeric stage ids.
import type { Pipeline } from "./types";

/** HubSpot's default deal pipeline (ids, labels and probabilities as a new portal ships them). */
export function defaultSalesPipeline(): Pipeline {
  const stages: Array<[string, string, string, boolean]> = [
    ["appointmentscheduled", "Appointment Scheduled", "0.2", false],
    ["qualifiedtobuy", "Qualified To Buy", "0.4", false],
    ["presentationscheduled", "Presentation Scheduled", "0.6", false],
    ["decisionmakerboughtin", "Decision Maker Bought-In", "0.8", false],
    ["contractsent", "Contract Sent", "0.9", false],
    ["closedwon", "Closed Won", "1.0", true],
    ["closedlost", "Closed Lost", "0.0", true],
  ];
  return {
    id: "default",
    label: "Sales Pipeline",
    displayOrder: 0,
    stages: stages.map(([id, label, probability, isClosed], displayOrder) => ({ id, label, probability, isClosed, displayOrder })),
  };
}

/** A second pipeline as admins create them: numeric ids, custom labels. */
export function renewalsPipeline(): Pipeline {
  const stages: Array<[string, string, string, boolean]> = [
    ["1001", "Renewal Identified", "0.3", false],
    ["1002", "Renewal Proposal", "0.6", false],
    ["1003", "Renewal Negotiation", "0.8", false],
    ["1004", "Renewed", "1.0", true],
    ["1005", "Churned", "0.0", true],
  ];
  return {
    id: "75e28846",
    label: "Renewals",
    displayOrder: 1,
    stages: stages.map(([id, label, probability, isClosed], displayOrder) => ({ id, label, probability, isClosed, displayOrder })),
  };
}
