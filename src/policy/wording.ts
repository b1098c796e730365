// How failed checks read for reps and managers: requirements by the property's label, associations as nouns,
// skips by the stages jumped. Pure wording; the checks decide, this only says it.
import type { RequirementPlan } from "./plan";
import type { StageInfo } from "./portal-index";

/** "be filled in", "be Yes", "be \"Partner\"": how a requirement reads after "Close Date must". */
export function requirementWords(req: RequirementPlan): string {
  if (req.equals === null) return "be filled in";
  if (req.type === "bool") return req.equals === true || String(req.equals).toLowerCase() === "true" ? "be Yes" : "be No";
  return `be ${typeof req.equals === "string" ? `"${req.equals}"` : String(req.equals)}`;
}

const ASSOCIATION_NOUNS = { contacts: ["contact", "contacts"], companies: ["company", "companies"], line_items: ["line item", "line items"] } as const;

/** "an associated contact", "at least 2 associated line items". */
/** Association kinds as an admin reads them: "contacts and line items". */
export function associationKindWords(kinds: ReadonlyArray<keyof typeof ASSOCIATION_NOUNS>): string {
  return joinWords(kinds.map((k) => ASSOCIATION_NOUNS[k][1]), "and");
}

export function associationWords(kind: keyof typeof ASSOCIATION_NOUNS, min: number): string {
  const [one, many] = ASSOCIATION_NOUNS[kind];
  return min <= 1 ? `an associated ${one}` : `at least ${min} associated ${many}`;
}

/** "it skipped Qualified To Buy and Presentation Scheduled; deals move one stage at a time". */
export function skipWords(ordered: readonly StageInfo[], from: StageInfo, to: StageInfo, maxSkip: number): string {
  const skipped = ordered.filter((s) => s.index > from.index && s.index < to.index && !s.isClosed).map((s) => s.label);
  const rule = maxSkip === 0 ? "deals move one stage at a time" : `a deal may skip at most ${maxSkip} stage${maxSkip === 1 ? "" : "s"} in one move`;
  return `it skipped ${joinWords(skipped, "and")}; ${rule}`;
}

/** "A", "A and B", "A, B and C". */
export function joinWords(words: readonly string[], last: "and" | "or"): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${last} ${words[words.length - 1] ?? ""}`;
}

