// Human wording for a violation's `missing` list: properties by the portal's label ("Close Date", not closedate),
// association requirements ("association:contacts") as "an associated contact". Pure.

const ASSOCIATION_NOUNS: Record<string, string> = { contacts: "contact", companies: "company", line_items: "line item" };

/** The portal's label for a property name, when known. */
export type LabelOf = (property: string) => string | undefined;

/** "Amount, Close Date and an associated contact"; "" for an empty list. Unknown properties keep their name. */
export function describeMissing(missing: readonly string[], labelOf: LabelOf = () => undefined): string {
  const words = missing.map((item) => describeMissingItem(item, labelOf));
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1] ?? ""}`;
}

function describeMissingItem(item: string, labelOf: LabelOf): string {
  if (!item.startsWith("association:")) return labelOf(item) ?? humanizeName(item);
  const kind = item.slice("association:".length);
  return `an associated ${ASSOCIATION_NOUNS[kind] ?? kind.replace(/_/g, " ")}`;
}

// HubSpot's own labels for its default deal properties (the portal may rename them; its labels win when given).
const HUBSPOT_DEFAULT_LABELS: Record<string, string> = {
  dealname: "Deal Name", amount: "Amount", closedate: "Close Date", dealstage: "Deal Stage", pipeline: "Pipeline",
  hubspot_owner_id: "Deal owner", dealtype: "Deal Type", description: "Deal Description", hs_next_step: "Next step",
  closed_lost_reason: "Closed Lost Reason", closed_won_reason: "Closed Won Reason", hs_priority: "Priority",
};

/**
 * Last resort for a property without a label from the portal: HubSpot's default label, else the name in words
 * ("decision_maker" reads "Decision maker").
 */
export function humanizeName(name: string): string {
  const known = HUBSPOT_DEFAULT_LABELS[name];
  if (known !== undefined) return known;
  const words = name.replace(/^hs_/, "").replace(/_/g, " ").trim();
  return words ? words[0]?.toUpperCase() + words.slice(1) : name;
}
