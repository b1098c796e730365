// HubSpot-defined association type ids between deals and the object types the engine reads.
import type { AssocType } from "../portal/store";
import type { ObjectType } from "../portal/types";

/** deal → X type ids (v4 listing). */
export const DEAL_TO: Record<AssocType, { typeId: number; label: string | null }> = {
  contacts: { typeId: 3, label: null },
  companies: { typeId: 341, label: null },
  line_items: { typeId: 19, label: null },
  tasks: { typeId: 215, label: null },
};

/** v3 `associations` name in object reads. */
export const DEAL_TO_NAME: Record<AssocType, string> = { contacts: "deal_to_contact", companies: "deal_to_company", line_items: "deal_to_line_item", tasks: "deal_to_task" };

/** Type ids accepted on create: from-type → typeId → (target type, which side is the deal). */
export const CREATE_TYPES: Partial<Record<ObjectType, Record<number, AssocType | "deals">>> = {
  tasks: { 216: "deals" },
  deals: { 3: "contacts", 341: "companies", 5: "companies", 19: "line_items", 215: "tasks" },
};

const ALIASES: Record<string, ObjectType> = {
  deals: "deals", deal: "deals", "0-3": "deals",
  tasks: "tasks", task: "tasks", "0-27": "tasks",
  contacts: "contacts", contact: "contacts", "0-1": "contacts",
  companies: "companies", company: "companies", "0-2": "companies",
  line_items: "line_items", line_item: "line_items", "0-8": "line_items",
};

export function resolveObjectType(name: string): ObjectType | undefined {
  return ALIASES[name.toLowerCase()];
}
