// HubSpot's default property definitions for the object types the simulator serves, plus value normalisation.
// Values are always stored as strings, as HubSpot returns them.
import type { ObjectType, PropertyDef, PropertyType } from "./types";

const p = (name: string, label: string, type: PropertyType, extra: Partial<PropertyDef> = {}): PropertyDef => ({ name, label, type, ...extra });

const COMMON: PropertyDef[] = [
  p("hs_object_id", "Record ID", "number", { readOnly: true }),
  p("createdate", "Create Date", "datetime", { readOnly: true }),
  p("hs_lastmodifieddate", "Last Modified Date", "datetime", { readOnly: true }),
  p("hs_merged_object_ids", "Merged Record IDs", "string", { readOnly: true }),
  p("hubspot_owner_id", "Owner", "enumeration"),
];

const DEAL: PropertyDef[] = [
  p("dealname", "Deal Name", "string"),
  p("amount", "Amount", "number"),
  p("dealstage", "Deal Stage", "enumeration"),
  p("pipeline", "Pipeline", "enumeration"),
  p("closedate", "Close Date", "datetime"),
  p("dealtype", "Deal Type", "enumeration", { options: ["newbusiness", "existingbusiness"] }),
  p("description", "Deal Description", "string", { fieldType: "textarea" }),
  p("hs_next_step", "Next step", "string"),
  p("hs_priority", "Priority", "enumeration", { options: ["low", "medium", "high"] }),
  p("closed_lost_reason", "Closed Lost Reason", "string"),
  p("closed_won_reason", "Closed Won Reason", "string"),
  p("hs_forecast_amount", "Forecast amount", "number"),
  p("hs_deal_stage_probability", "Deal probability", "number", { readOnly: true }),
  p("hs_is_closed", "Is Deal Closed?", "bool", { readOnly: true }),
  p("hs_is_closed_won", "Is Closed Won", "bool", { readOnly: true }),
  p("hs_date_entered_current_stage", "Date entered current stage", "datetime", { readOnly: true }),
  p("num_associated_contacts", "Number of Contacts", "number", { readOnly: true }),
  p("hs_manual_forecast_category", "Forecast category", "enumeration", { options: ["OMIT", "PIPELINE", "BEST_CASE", "COMMIT", "CLOSED"] }),
  p("hubspot_team_id", "HubSpot Team", "enumeration"),
  p("hs_forecast_category", "Forecast category (stage)", "enumeration", { readOnly: true, options: ["OMIT", "PIPELINE", "BEST_CASE", "COMMIT", "CLOSED"] }),
  p("hs_forecast_probability", "Forecast probability", "number"),
  p("hs_closed_amount", "Closed Deal Amount", "number", { readOnly: true }),
  p("hs_acv", "Annual contract value", "number", { readOnly: true }),
  p("hs_arr", "Annual recurring revenue", "number", { readOnly: true }),
  p("hs_mrr", "Monthly recurring revenue", "number", { readOnly: true }),
  p("hs_tcv", "Total contract value", "number", { readOnly: true }),
  p("amount_in_home_currency", "Amount in company currency", "number", { readOnly: true }),
  p("deal_currency_code", "Currency", "enumeration", { options: ["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY"] }),
  p("notes_last_updated", "Last Activity Date", "datetime", { readOnly: true }),
  p("notes_next_activity_date", "Next Activity Date", "datetime", { readOnly: true }),
  p("num_contacted_notes", "Number of times contacted", "number", { readOnly: true }),
  p("days_to_close", "Days to close", "number", { readOnly: true }),
  p("hs_analytics_source", "Original Source Type", "enumeration", {
    readOnly: true,
    options: ["ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS", "OTHER_CAMPAIGNS", "DIRECT_TRAFFIC", "OFFLINE", "PAID_SOCIAL"],
  }),
  // The portal's custom properties (the ones the shipped policies read; see policies/portal.yaml).
  p("decision_maker", "Decision maker", "string", { custom: true }),
  p("manager_approved", "Manager approved", "bool", { custom: true }),
  p("budget_confirmed", "Budget confirmed", "bool", { custom: true }),
];

const TASK: PropertyDef[] = [
  p("hs_timestamp", "Due date", "datetime"),
  p("hs_task_subject", "Task Title", "string"),
  p("hs_task_body", "Notes", "string"),
  p("hs_task_status", "Task Status", "enumeration", { options: ["NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED"] }),
  p("hs_task_priority", "Priority", "enumeration", { options: ["NONE", "LOW", "MEDIUM", "HIGH"] }),
  p("hs_task_type", "Task Type", "enumeration", { options: ["TODO", "CALL", "EMAIL", "LINKED_IN", "MEETING"] }),
  p("hs_task_completion_date", "Completed at", "datetime", { readOnly: true }),
];

const CONTACT: PropertyDef[] = [
  p("firstname", "First Name", "string"),
  p("lastname", "Last Name", "string"),
  p("email", "Email", "string"),
  p("hs_buying_role", "Buying Role", "enumeration", { options: ["DECISION_MAKER", "CHAMPION", "INFLUENCER", "END_USER", "BUDGET_HOLDER"] }),
];
const COMPANY: PropertyDef[] = [p("name", "Name", "string"), p("domain", "Domain", "string")];
const LINE_ITEM: PropertyDef[] = [p("name", "Name", "string"), p("quantity", "Quantity", "number"), p("price", "Price", "number")];

/** Default read set when a request names no properties (HubSpot's behaviour for deals and tasks). */
export const DEFAULT_READ: Record<ObjectType, string[]> = {
  deals: ["amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate", "hs_object_id", "pipeline"],
  tasks: ["createdate", "hs_lastmodifieddate", "hs_object_id", "hs_task_subject", "hs_task_status", "hs_timestamp"],
  contacts: ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
  companies: ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
  line_items: ["createdate", "hs_lastmodifieddate", "hs_object_id", "name", "price", "quantity"],
};

/** Properties HubSpot returns alongside any explicit list. */
export const ALWAYS_READ = ["hs_object_id", "createdate", "hs_lastmodifieddate"];

export function defaultPropertyDefs(type: ObjectType): PropertyDef[] {
  switch (type) {
    case "deals": return [...COMMON, ...DEAL];
    case "tasks": return [...COMMON, ...TASK];
    case "contacts": return [...COMMON, ...CONTACT];
    case "companies": return [...COMMON, ...COMPANY];
    case "line_items": return [...COMMON, ...LINE_ITEM];
  }
}

/** Parses a datetime value given as epoch ms or ISO string. Returns epoch ms, or null when unparseable. */
export function parseDateValue(value: string): number | null {
  if (/^-?\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Normalises a written value to HubSpot's stored string form; null when the value is invalid for the type. */
export function normaliseValue(def: PropertyDef, raw: string): string | null {
  if (raw === "") return "";
  switch (def.type) {
    case "number": return Number.isFinite(Number(raw)) ? String(Number(raw)) : null;
    case "datetime":
    case "date": {
      const ms = parseDateValue(raw);
      return ms === null ? null : new Date(ms).toISOString();
    }
    case "bool": return raw === "true" || raw === "false" ? raw : null;
    case "enumeration": return def.options && !def.options.includes(raw) ? null : raw;
    case "string": return raw;
  }
}
