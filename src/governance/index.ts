// Governance properties: the deal properties the engine keeps current in HubSpot (status, open violations, open rules,
// last violation, last check) — their definitions and the pure computation of their values. No I/O here: the
// HubSpot writes live in src/hubspot/governance-properties.ts, the last written values in src/store/governance.ts.
export { GOVERNANCE_BATCH_LIMIT, GOVERNANCE_GROUP, GOVERNANCE_PROPERTIES, GOVERNANCE_PROPERTY_NAMES, isGovernanceProperty, type GovernancePropertyDef } from "./definitions";
export {
  CHECK_REFRESH_MS,
  computeGovernanceValues,
  governanceChanged,
  governanceEssential,
  sameGovernanceValue,
  toHubSpotProperties,
  type GovernanceFacts,
  type GovernanceStatus,
  type GovernanceValues,
} from "./values";
