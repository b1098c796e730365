// The in-memory CRM of one portal: objects with full property history, pipelines, owners/teams, associations.
// Every change goes through here and is announced to `onEvent`; nothing here knows about HTTP or webhooks.
import { defaultSalesPipeline } from "./pipelines";
import { defaultPropertyDefs } from "./properties";
import { defaultPropertyGroups } from "./property-groups";
import type { ChangeActor, CrmObject, DomainEvent, ObjectType, Owner, Pipeline, PropertyDef, PropertyGroup, RequiredRule, Result, Team, WriteProblem } from "./types";
import { OBJECT_TYPES } from "./types";
import { validateWrite } from "./validate";

export type AssocType = "contacts" | "companies" | "line_items" | "tasks";
export const ASSOC_TYPES: readonly AssocType[] = ["contacts", "companies", "line_items", "tasks"];

export interface AssociationLogEntry {
  toType: AssocType;
  toId: string;
  removed: boolean;
  at: number;
  /** "merge": moved from a deal merged into this one (no deal.associationChange is sent for it). */
  via?: "merge";
}

export interface WriteOptions {
  at?: number;
  /** Enforce the portal's conditional required properties (API writes). */
  checkRequired?: boolean;
  /** Announce the change (seeding history silently passes false). */
  emit?: boolean;
}

const CALCULATED: ChangeActor = { sourceType: "CALCULATED" };
const ID_BASE: Record<ObjectType, number> = { deals: 10_000_000_000, tasks: 20_000_000_000, contacts: 30_000_000_000, companies: 40_000_000_000, line_items: 50_000_000_000 };

export class PortalStore {
  objects = new Map<ObjectType, Map<string, CrmObject>>(OBJECT_TYPES.map((t) => [t, new Map()]));
  pipelines: Pipeline[] = [defaultSalesPipeline()];
  owners: Owner[] = [];
  teams: Team[] = [];
  requiredRules: RequiredRule[] = [];
  defs = new Map<ObjectType, Map<string, PropertyDef>>(OBJECT_TYPES.map((t) => [t, new Map(defaultPropertyDefs(t).map((d) => [d.name, d]))]));
  groups = new Map<ObjectType, Map<string, PropertyGroup>>(OBJECT_TYPES.map((t) => [t, new Map(defaultPropertyGroups(t).map((g) => [g.name, g]))]));
  /** dealId → associated ids by type. */
  associations = new Map<string, Record<AssocType, Set<string>>>();
  /**
   * dealId → every association added or removed, with its time (merges included). Ground truth for the control API
   * only: HubSpot keeps no association history and the CRM API never shows this.
   */
  associationLog = new Map<string, AssociationLogEntry[]>();
  counters: Record<ObjectType, number> = { deals: 0, tasks: 0, contacts: 0, companies: 0, line_items: 0 };

  constructor(readonly now: () => number, readonly onEvent: (e: DomainEvent) => void) {}

  get(type: ObjectType, id: string, includeArchived = false): CrmObject | undefined {
    const obj = this.objects.get(type)?.get(id);
    return obj && (includeArchived || !obj.archived) ? obj : undefined;
  }

  /**
   * A read by id as HubSpot answers it: a deal merged away answers with the deal it was merged into (under that
   * deal's id), following chains of merges; an archived (deleted) object is not found.
   */
  resolve(type: ObjectType, id: string): CrmObject | undefined {
    let obj = this.objects.get(type)?.get(id);
    for (let hops = 0; obj?.mergedInto !== undefined && hops < 20; hops++) obj = this.objects.get(type)?.get(obj.mergedInto);
    return obj && !obj.archived ? obj : undefined;
  }

  list(type: ObjectType, includeArchived = false): CrmObject[] {
    return [...(this.objects.get(type)?.values() ?? [])].filter((o) => includeArchived || !o.archived);
  }

  nextId(type: ObjectType): string {
    this.counters[type] += 1;
    return String(ID_BASE[type] + this.counters[type]);
  }

  /** Creates an object. Returns the object, or the validation problems (nothing is written then). */
  create(type: ObjectType, input: Record<string, string | null>, actor: ChangeActor, opts: WriteOptions = {}): Result<CrmObject, WriteProblem[]> {
    const checked = this.validate(type, input, undefined, opts);
    if (!checked.ok) return checked;
    const at = opts.at ?? this.now();
    const id = this.nextId(type);
    const obj: CrmObject = { id, type, properties: {}, history: {}, createdAt: at, updatedAt: at, archived: false };
    this.record(obj, "hs_object_id", id, CALCULATED, at);
    this.record(obj, "createdate", new Date(at).toISOString(), actor, at);
    this.objects.get(type)?.set(id, obj);
    if (type === "deals") this.associations.set(id, emptyAssoc());
    if (opts.emit !== false && type === "deals") this.onEvent({ kind: "creation", objectId: id, actor, at });
    this.apply(obj, checked.value, actor, at, opts.emit !== false);
    return { ok: true, value: obj };
  }

  /** Updates an object. Returns the changed property names, or problems / NOT_FOUND. */
  update(type: ObjectType, id: string, input: Record<string, string | null>, actor: ChangeActor, opts: WriteOptions = {}): Result<{ obj: CrmObject; changed: string[] }, WriteProblem[]> {
    const obj = this.get(type, id);
    if (!obj) return { ok: false, error: [{ code: "NOT_FOUND", name: "id", message: `Object not found. objectId are usually numeric.` }] };
    const checked = this.validate(type, input, obj, opts);
    if (!checked.ok) return checked;
    // Sequential edits of one record never share a millisecond (as with real users and HubSpot's own writes), so
    // the order of history entries and webhook occurredAt values is unambiguous.
    const at = opts.at ?? Math.max(this.now(), obj.updatedAt + 1);
    const changed = this.apply(obj, checked.value, actor, at, opts.emit !== false);
    return { ok: true, value: { obj, changed } };
  }

  archive(type: ObjectType, id: string, actor: ChangeActor, at = this.now()): boolean {
    const obj = this.get(type, id);
    if (!obj) return false;
    obj.archived = true;
    obj.archivedAt = at;
    if (type === "deals") this.onEvent({ kind: "deletion", objectId: id, actor, at });
    return true;
  }

  restore(type: ObjectType, id: string, actor: ChangeActor, at = this.now()): boolean {
    const obj = this.objects.get(type)?.get(id);
    if (!obj?.archived) return false;
    obj.archived = false;
    delete obj.archivedAt;
    if (type === "deals") this.onEvent({ kind: "restore", objectId: id, actor, at });
    return true;
  }

  /** Merges `mergedId` into `primaryId`: empty primary values are filled, associations move, the merged deal is archived. */
  merge(primaryId: string, mergedId: string, actor: ChangeActor, at = this.now()): Result<CrmObject, WriteProblem[]> {
    const primary = this.get("deals", primaryId);
    const merged = this.get("deals", mergedId);
    if (!primary || !merged || primaryId === mergedId) return { ok: false, error: [{ code: "NOT_FOUND", name: "id", message: "Both deals must exist and differ" }] };
    const fill: Record<string, string> = {};
    for (const [name, value] of Object.entries(merged.properties)) {
      const def = this.defs.get("deals")?.get(name);
      if (def && !def.readOnly && value !== "" && (primary.properties[name] ?? "") === "" && name !== "dealstage" && name !== "pipeline") fill[name] = value;
    }
    this.apply(primary, fill, actor, at, false);
    const from = this.associations.get(mergedId);
    const to = this.associations.get(primaryId);
    if (from && to) {
      for (const t of ASSOC_TYPES) {
        for (const x of from[t]) {
          if (!to[t].has(x) && t !== "tasks") this.logAssociation(primaryId, { toType: t, toId: x, removed: false, at, via: "merge" });
          to[t].add(x);
        }
      }
      // The survivor's contact count is HubSpot's calculated property: it follows the contacts the merge moved.
      const contacts = String(to.contacts.size);
      if (contacts !== (primary.properties.num_associated_contacts ?? "0")) this.recordCalculated(primaryId, "num_associated_contacts", contacts, at);
    }
    merged.archived = true;
    merged.archivedAt = at;
    merged.mergedInto = primaryId;
    const ids = [...(primary.properties.hs_merged_object_ids ?? "").split(";").filter((x) => x !== ""), mergedId, ...(merged.properties.hs_merged_object_ids ?? "").split(";").filter((x) => x !== "")];
    this.record(primary, "hs_merged_object_ids", [...new Set(ids)].join(";"), CALCULATED, at);
    this.onEvent({ kind: "merge", objectId: primaryId, primaryObjectId: primaryId, mergedObjectIds: [mergedId], actor, at });
    return { ok: true, value: primary };
  }

  /**
   * Adds or removes a deal association. Returns false when either side is missing. Like property edits, an association
   * change never shares a millisecond with the deal's previous write, so "before or after the move" is unambiguous.
   */
  associate(dealId: string, toType: AssocType, toId: string, actor: ChangeActor, remove = false, emit = true, when?: number): boolean {
    const set = this.associations.get(dealId)?.[toType];
    const deal = this.get("deals", dealId);
    if (!set || !deal || !this.get(toType, toId)) return false;
    const had = set.has(toId);
    if (remove ? !had : had) return true;
    const at = when ?? Math.max(this.now(), deal.updatedAt + 1);
    if (when === undefined) deal.updatedAt = at;
    if (remove) set.delete(toId);
    else set.add(toId);
    if (toType !== "tasks") this.logAssociation(dealId, { toType, toId, removed: remove, at });
    if (toType === "contacts") this.recordCalculated(dealId, "num_associated_contacts", String(set.size), at);
    if (emit && toType !== "tasks") this.onEvent({ kind: "associationChange", objectId: dealId, toType, toObjectId: toId, removed: remove, actor, at });
    return true;
  }

  private logAssociation(dealId: string, entry: AssociationLogEntry): void {
    const log = this.associationLog.get(dealId) ?? [];
    log.push(entry);
    this.associationLog.set(dealId, log);
  }

  associatedIds(dealId: string, toType: AssocType): string[] {
    return [...(this.associations.get(dealId)?.[toType] ?? [])];
  }

  stageOf(pipelineId: string, stageId: string) {
    return this.pipelines.find((p) => p.id === pipelineId)?.stages.find((s) => s.id === stageId);
  }

  private validate(type: ObjectType, input: Record<string, string | null>, existing: CrmObject | undefined, opts: WriteOptions) {
    return validateWrite(
      { defs: this.defs.get(type) ?? new Map(), pipelines: this.pipelines, owners: this.owners, requiredRules: this.requiredRules, isDeal: type === "deals", checkRequired: opts.checkRequired === true },
      input,
      existing,
    );
  }

  /** Writes values; pipeline before dealstage so a switch announces both in HubSpot's order. */
  private apply(obj: CrmObject, values: Record<string, string>, actor: ChangeActor, at: number, emit: boolean): string[] {
    const names = Object.keys(values).sort((a, b) => rank(a) - rank(b));
    const changed: string[] = [];
    for (const name of names) {
      const value = values[name] ?? "";
      if ((obj.properties[name] ?? null) === value) continue;
      this.record(obj, name, value, actor, at);
      changed.push(name);
      if (emit && obj.type === "deals") this.onEvent({ kind: "propertyChange", objectId: obj.id, propertyName: name, propertyValue: value, actor, at });
    }
    if (obj.type === "deals" && changed.includes("dealstage")) this.deriveStageProperties(obj, at);
    if (obj.type === "tasks" && changed.includes("hs_task_status")) {
      this.record(obj, "hs_task_completion_date", values.hs_task_status === "COMPLETED" ? new Date(at).toISOString() : "", CALCULATED, at);
    }
    if (changed.length > 0 || obj.properties.hs_lastmodifieddate === undefined) {
      this.record(obj, "hs_lastmodifieddate", new Date(at).toISOString(), CALCULATED, at);
      obj.updatedAt = at;
    }
    return changed;
  }

  private deriveStageProperties(obj: CrmObject, at: number): void {
    const stage = this.stageOf(obj.properties.pipeline ?? "default", obj.properties.dealstage ?? "");
    if (!stage) return;
    this.record(obj, "hs_deal_stage_probability", stage.probability, CALCULATED, at);
    this.record(obj, "hs_is_closed", String(stage.isClosed), CALCULATED, at);
    this.record(obj, "hs_is_closed_won", String(stage.isClosed && stage.probability === "1.0"), CALCULATED, at);
    this.record(obj, "hs_date_entered_current_stage", new Date(at).toISOString(), CALCULATED, at);
  }

  private recordCalculated(dealId: string, name: string, value: string, at: number): void {
    const obj = this.get("deals", dealId);
    if (obj) this.record(obj, name, value, CALCULATED, at);
  }

  private record(obj: CrmObject, name: string, value: string, actor: ChangeActor, at: number): void {
    obj.properties[name] = value;
    const entries = (obj.history[name] ??= []);
    entries.push({ value, timestamp: at, ...actor });
  }
}

function rank(name: string): number {
  return name === "pipeline" ? 0 : name === "dealstage" ? 1 : 2;
}

function emptyAssoc(): Record<AssocType, Set<string>> {
  return { contacts: new Set(), companies: new Set(), line_items: new Set(), tasks: new Set() };
}
