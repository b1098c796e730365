// Human wording for a violation's `missing` list: property names stay as they are (admins and reps know them),
// association requirements ("association:contacts") read as "an associated contact". Pure.

const ASSOCIATION_NOUNS: Record<string, string> = { contacts: "contact", companies: "company", line_items: "line item" };

/** "amount, closedate, an associated contact"; "" for an empty list. */
export function describeMissing(missing: readonly string[]): string {
  return missing.map(describeMissingItem).join(", ");
}

function describeMissingItem(item: string): string {
  if (!item.startsWith("association:")) return item;
  const kind = item.slice("association:".length);
  return `an associated ${ASSOCIATION_NOUNS[kind] ?? kind.replace(/_/g, " ")}`;
}
