// The portal schema the policy core resolves names against: pipelines and stages (GET /crm/v3/pipelines/deals),
// deal properties (GET /crm/v3/properties/deals) and the account's time zone — or policies/portal.yaml offline.
export interface PortalStage {
  id: string;
  label: string;
  displayOrder: number;
  isClosed: boolean;
  /** 0..1; a closed stage with probability 1 is "won", with 0 is "lost". null when unknown. */
  probability: number | null;
}
export interface PortalPipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: PortalStage[];
}
export type PortalPropertyType = "string" | "number" | "date" | "datetime" | "enumeration" | "bool";
export interface PortalProperty {
  name: string;
  type: PortalPropertyType;
  label?: string;
}
export interface PortalSchema {
  pipelines: PortalPipeline[];
  properties: PortalProperty[];
  /** The portal's IANA time zone (HubSpot's account info): where `startOfDay(now)` starts a day. Absent: UTC. */
  timeZone?: string;
}
