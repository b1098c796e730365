// Property groups: HubSpot's default group per object type, and the custom definitions created through the
// properties API (validated here, so the store only ever holds well-formed ones).
import type { ObjectType, PropertyDef, PropertyGroup, PropertyOption, PropertyType } from "./types";

const DEFAULT_GROUP: Record<ObjectType, PropertyGroup> = {
  deals: { name: "dealinformation", label: "Deal information", displayOrder: -1, archived: false },
  tasks: { name: "task", label: "Task information", displayOrder: -1, archived: false },
  contacts: { name: "contactinformation", label: "Contact information", displayOrder: -1, archived: false },
  companies: { name: "companyinformation", label: "Company information", displayOrder: -1, archived: false },
  line_items: { name: "lineiteminformation", label: "Line item information", displayOrder: -1, archived: false },
};

export function defaultPropertyGroups(type: ObjectType): PropertyGroup[] {
  return [{ ...DEFAULT_GROUP[type] }];
}

export function defaultGroupName(type: ObjectType): string {
  return DEFAULT_GROUP[type].name;
}

/** The fieldType values HubSpot accepts per type (developers.hubspot.com/docs/api/crm/properties, type/fieldType table). */
export const FIELD_TYPES: Record<PropertyType, readonly string[]> = {
  string: ["text", "textarea", "file", "html", "phonenumber"],
  number: ["number", "calculation_equation"],
  date: ["date"],
  datetime: ["date"],
  enumeration: ["select", "radio", "checkbox", "booleancheckbox", "calculation_equation"],
  bool: ["booleancheckbox", "calculation_equation"],
};

export interface CustomPropertyInput {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description?: string;
  options?: Array<{ label: string; value: string; description?: string; displayOrder?: number; hidden?: boolean }>;
}

/** A new custom property's definition, or why HubSpot would refuse it (400). Uniqueness (409) is the caller's. */
export function customPropertyDef(input: CustomPropertyInput, groups: Map<string, PropertyGroup>, now: number): { ok: true; def: PropertyDef } | { ok: false; message: string } {
  if (!/^[a-z][a-z0-9_]*$/.test(input.name)) return { ok: false, message: `Property name ${input.name} is invalid: use lowercase letters, digits and underscores, starting with a letter` };
  if (!FIELD_TYPES[input.type].includes(input.fieldType)) return { ok: false, message: `fieldType ${input.fieldType} is not valid for type ${input.type}` };
  if (!groups.has(input.groupName)) return { ok: false, message: `Property group ${input.groupName} does not exist` };
  const options: PropertyOption[] = (input.options ?? []).map((o, i) => ({ label: o.label, value: o.value, displayOrder: o.displayOrder ?? i, hidden: o.hidden ?? false, ...(o.description === undefined ? {} : { description: o.description }) }));
  if (input.type === "enumeration" && input.fieldType !== "booleancheckbox" && options.length === 0) return { ok: false, message: "Enumeration properties need at least one option" };
  if (new Set(options.map((o) => o.value)).size !== options.length) return { ok: false, message: "Option values must be unique" };
  const def: PropertyDef = {
    name: input.name,
    label: input.label,
    type: input.type,
    fieldType: input.fieldType,
    custom: true,
    groupName: input.groupName,
    createdAt: now,
    ...(input.description === undefined ? {} : { description: input.description }),
    ...(options.length === 0 ? {} : { options: options.map((o) => o.value), optionDetails: options }),
  };
  return { ok: true, def };
}
