// Domain types of one simulated HubSpot portal. Pure data: no I/O here.

export type ObjectType = "deals" | "tasks" | "contacts" | "companies" | "line_items";
export const OBJECT_TYPES: readonly ObjectType[] = ["deals", "tasks", "contacts", "companies", "line_items"];

/** Who made a change, as HubSpot records it in property history and webhook `changeSource`. */
export interface ChangeActor {
  sourceType: string; // CRM_UI, CRM_UI_BULK_ACTION, IMPORT, WORKFLOW, INTEGRATION, API, CALCULATED, ...
  sourceId?: string;
  sourceLabel?: string;
  updatedByUserId?: number;
}

export interface HistoryEntry extends ChangeActor {
  value: string;
  timestamp: number; // epoch ms; serialised as ISO
}

export interface CrmObject {
  id: string;
  type: ObjectType;
  properties: Record<string, string>;
  history: Record<string, HistoryEntry[]>; // oldest first internally
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
  /** Set on a deal merged away: the deal it was merged into (reads of this id answer with that deal). */
  mergedInto?: string;
}

export interface Stage {
  id: string;
  label: string;
  displayOrder: number;
  probability: string; // "0.2"
  isClosed: boolean;
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: Stage[];
}

export interface Team {
  id: string;
  name: string;
  managerOwnerId: string | null;
}

export interface Owner {
  id: string;
  userId: number;
  email: string;
  firstName: string;
  lastName: string;
  teams: Array<{ id: string; primary: boolean }>;
  createdAt: number;
}

export type PropertyType = "string" | "number" | "date" | "datetime" | "enumeration" | "bool";

export interface PropertyDef {
  name: string;
  label: string;
  type: PropertyType;
  /** Set by HubSpot itself; writes are refused. */
  readOnly?: boolean;
  options?: string[];
  /** A portal's own property (not HubSpot-defined). */
  custom?: boolean;
  /** HubSpot's UI field; defaults by type (text, number, date, select, booleancheckbox). */
  fieldType?: string;
  description?: string;
  /** The property group; defaults to the object's information group. */
  groupName?: string;
  /** Enumeration options with labels, as created through the properties API (`options` holds their values). */
  optionDetails?: PropertyOption[];
  /** Epoch ms it was created through the properties API. */
  createdAt?: number;
}

export interface PropertyOption {
  label: string;
  value: string;
  description?: string;
  displayOrder: number;
  hidden: boolean;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

/** Portal-configured conditional required properties (enforced on API writes, as from API version 2026-09). */
export interface RequiredRule {
  pipelineId?: string;
  stageId: string;
  properties: string[];
}

/** A change the store made, handed to webhook generation. */
export type DomainEvent =
  | { kind: "creation"; objectId: string; actor: ChangeActor; at: number }
  | { kind: "propertyChange"; objectId: string; propertyName: string; propertyValue: string; actor: ChangeActor; at: number }
  | { kind: "deletion"; objectId: string; actor: ChangeActor; at: number }
  | { kind: "restore"; objectId: string; actor: ChangeActor; at: number }
  | { kind: "merge"; objectId: string; primaryObjectId: string; mergedObjectIds: string[]; actor: ChangeActor; at: number }
  | { kind: "associationChange"; objectId: string; toType: ObjectType; toObjectId: string; removed: boolean; actor: ChangeActor; at: number };

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** Validation failure of a write, mapped to HubSpot's 400 VALIDATION_ERROR at the HTTP edge. */
export interface WriteProblem {
  code: "PROPERTY_DOESNT_EXIST" | "INVALID_OPTION" | "READ_ONLY_VALUE" | "REQUIRED_PROPERTY" | "INVALID_VALUE" | "NOT_FOUND";
  name: string;
  message: string;
}
