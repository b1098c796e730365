// Optional persistence of a portal's CRM data to a JSON file (`--persist`), so a demo survives restarts.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Portal } from "./portal";
import type { AssociationLogEntry, AssocType } from "./store";
import type { CrmObject, ObjectType, Owner, Pipeline, PropertyDef, PropertyGroup, RequiredRule, Team } from "./types";

interface Snapshot {
  version: 1;
  objects: CrmObject[];
  associations: Array<[string, Record<AssocType, string[]>]>;
  pipelines: Pipeline[];
  owners: Owner[];
  teams: Team[];
  counters: Record<ObjectType, number>;
  requiredRules: RequiredRule[];
  /** Custom properties and groups created through the properties API (absent in files written before them). */
  customProperties?: Array<{ type: ObjectType; def: PropertyDef }>;
  propertyGroups?: Array<{ type: ObjectType; group: PropertyGroup }>;
  /** Every association change with its time (absent in files written before it). */
  associationLog?: Array<[string, AssociationLogEntry[]]>;
}

export function snapshotPortal(portal: Portal): Snapshot {
  const s = portal.store;
  return {
    version: 1,
    objects: [...s.objects.values()].flatMap((m) => [...m.values()]),
    associations: [...s.associations.entries()].map(([id, a]) => [id, { contacts: [...a.contacts], companies: [...a.companies], line_items: [...a.line_items], tasks: [...a.tasks] }]),
    pipelines: s.pipelines, owners: s.owners, teams: s.teams, counters: s.counters, requiredRules: s.requiredRules,
    customProperties: [...s.defs.entries()].flatMap(([type, defs]) => [...defs.values()].filter((d) => d.createdAt !== undefined).map((def) => ({ type, def }))),
    propertyGroups: [...s.groups.entries()].flatMap(([type, groups]) => [...groups.values()].map((group) => ({ type, group }))),
    associationLog: [...s.associationLog.entries()],
  };
}

/** Loads a snapshot into an empty portal. Returns false when the file doesn't exist. Throws on a corrupt file. */
export function loadPortal(portal: Portal, file: string): boolean {
  if (!existsSync(file)) return false;
  const snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  if (snap.version !== 1) throw new Error(`${file}: unsupported snapshot version`);
  const s = portal.store;
  for (const obj of snap.objects) s.objects.get(obj.type)?.set(obj.id, obj);
  for (const [id, a] of snap.associations) {
    s.associations.set(id, { contacts: new Set(a.contacts), companies: new Set(a.companies), line_items: new Set(a.line_items), tasks: new Set(a.tasks) });
  }
  s.pipelines = snap.pipelines;
  s.owners = snap.owners;
  s.teams = snap.teams;
  s.counters = snap.counters;
  s.requiredRules = snap.requiredRules;
  for (const { type, group } of snap.propertyGroups ?? []) s.groups.get(type)?.set(group.name, group);
  for (const { type, def } of snap.customProperties ?? []) s.defs.get(type)?.set(def.name, def);
  for (const [id, log] of snap.associationLog ?? []) s.associationLog.set(id, log);
  return true;
}

/** Saves atomically (write + rename). */
export function savePortal(portal: Portal, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(snapshotPortal(portal)));
  renameSync(`${file}.tmp`, file);
}

/** Saves at most once a second after changes. Returns a flush function for shutdown. */
export function persistOnChange(portal: Portal, file: string): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  portal.onChange = () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      savePortal(portal, file);
    }, 1000);
  };
  return () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    savePortal(portal, file);
  };
}
