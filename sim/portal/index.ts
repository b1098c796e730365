// A simulated portal's state: CRM objects with full property history, pipelines, owners/teams, associations,
// knobs and logs. Pure in-memory data and rules — it must never speak HTTP (api/ and control/ do that).
export { Portal, type CallRecord, type PortalIdentity } from "./portal";
export { PortalRegistry } from "./registry";
export { seedPortal, SeedSchema, type SeedInput, type SeedSummary } from "./seed";
export type { ChangeActor, CrmObject, DomainEvent, HistoryEntry, ObjectType, Owner, Pipeline, Stage, Team } from "./types";
