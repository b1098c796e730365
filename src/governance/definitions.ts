// The governance property group and properties on deals, as the properties API creates them
// (POST /crm/v3/properties/deals/groups, POST /crm/v3/properties/deals). Names are the contract with the managers'
// saved views, reports and workflows (docs/managers.md): never rename one.

export const GOVERNANCE_GROUP = { name: "deal_governance", label: "Deal governance", displayOrder: -1 } as const;

/** HubSpot's batch update takes at most 100 inputs: the values are written in calls of this many deals. */
export const GOVERNANCE_BATCH_LIMIT = 100;

export interface GovernancePropertyDef {
  name: string;
  label: string;
  description: string;
  type: "enumeration" | "number" | "string" | "datetime";
  fieldType: "select" | "number" | "text" | "date";
  options?: Array<{ label: string; value: string; description: string; displayOrder: number; hidden: false }>;
}

const option = (value: string, label: string, description: string, displayOrder: number) => ({ label, value, description, displayOrder, hidden: false as const });

export const GOVERNANCE_PROPERTIES: readonly GovernancePropertyDef[] = [
  {
    name: "governance_status",
    label: "Governance status",
    description: "Set by the deal-governance engine: whether the deal currently breaks a pipeline rule.",
    type: "enumeration",
    fieldType: "select",
    options: [
      option("compliant", "Compliant", "No rule is broken.", 0),
      option("open_violation", "Open violation", "At least one rule is broken and not yet fixed.", 1),
      option("reverted", "Reverted", "The engine moved the deal back after an invalid stage change.", 2),
      option("exception", "Exception", "A rule would apply, but a documented exception covers the deal.", 3),
    ],
  },
  {
    name: "governance_open_violations",
    label: "Open governance violations",
    description: "Set by the deal-governance engine: how many rule violations on this deal are still open.",
    type: "number",
    fieldType: "number",
  },
  {
    name: "governance_open_rules",
    label: "Open governance rules",
    description: "Set by the deal-governance engine: what to fix, in plain words, one rule per line.",
    type: "string",
    fieldType: "text",
  },
  {
    name: "governance_last_violation_at",
    label: "Last governance violation",
    description: "Set by the deal-governance engine: when the deal last broke a rule.",
    type: "datetime",
    fieldType: "date",
  },
  {
    name: "governance_last_checked_at",
    label: "Governance last checked",
    description: "Set by the deal-governance engine: when the engine last confirmed this status (refreshed at least daily while the deal changes).",
    type: "datetime",
    fieldType: "date",
  },
];

export const GOVERNANCE_PROPERTY_NAMES: readonly string[] = GOVERNANCE_PROPERTIES.map((p) => p.name);

const NAMES = new Set(GOVERNANCE_PROPERTY_NAMES);

/** A property the engine owns: its changes are never a rep's change and never evaluated. */
export function isGovernanceProperty(name: string | null | undefined): boolean {
  return name !== null && name !== undefined && NAMES.has(name);
}
