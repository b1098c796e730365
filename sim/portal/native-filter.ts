// Evaluates HubSpot's Lists filter language (PROPERTY filters in AND/OR branches) against a deal's string values,
// as the approval gate's condition. Unknown operation types fail closed (the approval is needed).
import type { FilterBranch, PropertyFilter } from "../../src/policy/native/types";

export function matchesFilterBranch(branch: FilterBranch, values: Record<string, string>): boolean {
  const results = [...branch.filters.map((f) => matchesFilter(f, values)), ...branch.filterBranches.map((b) => matchesFilterBranch(b, values))];
  if (results.length === 0) return true;
  return branch.filterBranchType === "AND" ? results.every(Boolean) : results.some(Boolean);
}

function matchesFilter(filter: PropertyFilter, values: Record<string, string>): boolean {
  const raw = values[filter.property] ?? "";
  const known = raw !== "";
  const op = filter.operation;
  switch (op.operationType) {
    case "ALL_PROPERTY":
      return op.operator === "IS_KNOWN" ? known : !known;
    case "NUMBER": {
      if (!known) return false;
      const n = Number(raw);
      if (!Number.isFinite(n)) return false;
      switch (op.operator) {
        case "IS_EQUAL_TO": return n === op.value;
        case "IS_NOT_EQUAL_TO": return n !== op.value;
        case "IS_GREATER_THAN": return n > op.value;
        case "IS_GREATER_THAN_OR_EQUAL_TO": return n >= op.value;
        case "IS_LESS_THAN": return n < op.value;
        case "IS_LESS_THAN_OR_EQUAL_TO": return n <= op.value;
      }
      return true;
    }
    case "STRING":
      if (!known) return false;
      return op.operator === "IS_EQUAL_TO" ? raw === op.value : raw !== op.value;
    case "ENUMERATION":
      if (!known) return false;
      return op.operator === "IS_ANY_OF" ? op.values.includes(raw) : !op.values.includes(raw);
    case "BOOL":
      if (!known) return false;
      return op.operator === "IS_EQUAL_TO" ? (raw === "true") === op.value : (raw === "true") !== op.value;
  }
  return true;
}
