// The baseline for bench:policy: the shipped policy set's rules (all but the scan-only stale-deal rule) written for json-rules-engine, over facts derived
// from the same DealChange (with the same value conversion), so both engines must reach the same verdicts.
import { Engine, type NestedCondition, type RuleProperties, type TopLevelCondition } from "json-rules-engine";
import { normalizeChangeSource, type DealChange } from "../src/policy/index";
import { convertValue } from "../src/policy/values";

const STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"];
const OPEN = STAGES.slice(0, 5);
const DAY = 86_400_000;
const MIGRATION_EXCEPTION_ENDS = Date.UTC(2027, 0, 1); // stage-discipline: userId 9911 until 2026-12-31 (inclusive)

const present = (type: "number" | "datetime" | "string" | "bool", raw: string | null | undefined): boolean => convertValue(type, raw) !== undefined;

/** The facts every rule reads, computed once per change (as the policy core builds its context once per change). */
export function deriveFacts(change: DealChange, now: number): Record<string, unknown> {
  const fromIdx = change.fromStage === null ? -1 : STAGES.indexOf(change.fromStage);
  const toIdx = change.toStage === null ? -1 : STAGES.indexOf(change.toStage);
  const stageChanged = change.kind !== "scan" && change.toStage !== null && change.fromStage !== null && change.fromStage !== change.toStage;
  let skipped = 0;
  for (let i = fromIdx + 1; i < toIdx && i < 5; i++) skipped++;
  const amount = convertValue("number", change.new.amount);
  const closedate = convertValue("datetime", change.new.closedate);
  return {
    inScope: change.pipelineId === "default",
    kind: change.kind,
    stageChanged,
    samePipeline: fromIdx >= 0 && toIdx >= 0,
    fromIdx,
    toIdx,
    toStage: change.toStage ?? "",
    entered: change.kind === "created" || stageChanged ? (change.toStage ?? "") : "",
    exited: stageChanged ? (change.fromStage ?? "") : "",
    toIsClosed: toIdx >= 5,
    toIsWon: toIdx === 5,
    skipped,
    changed: change.kind === "scan" ? [] : change.changedProperties,
    source: normalizeChangeSource(change.actor.changeSource),
    isManager: change.actor.isManager,
    isOwner: change.actor.isDealOwner,
    excepted: change.actor.userId === "9911" && now < MIGRATION_EXCEPTION_ENDS,
    hasAmount: amount !== undefined,
    amount: typeof amount === "number" ? amount : 0,
    hasClosedate: closedate !== undefined,
    closedate: typeof closedate === "number" ? closedate : 0,
    hasOldAmount: present("number", change.old.amount),
    hasOldClosedate: present("datetime", change.old.closedate),
    oldClosedate: convertValue("datetime", change.old.closedate) ?? 0,
    hasDecisionMaker: present("string", change.new.decision_maker),
    hasNextStep: present("string", change.new.hs_next_step),
    hasLostReason: present("string", change.new.closed_lost_reason),
    hasOwner: present("string", change.new.hubspot_owner_id),
    approved: convertValue("bool", change.new.manager_approved) === true,
    contacts: change.associations.contacts,
    companies: change.associations.companies,
    lineItems: change.associations.line_items,
    todayStart: Math.floor(now / DAY) * DAY,
  };
}

const is = (fact: string, value: unknown): NestedCondition => ({ fact, operator: "equal", value });
const op = (fact: string, operator: string, value: unknown): NestedCondition => ({ fact, operator, value });
const all = (...conditions: NestedCondition[]): TopLevelCondition & NestedCondition => ({ all: conditions });
const any = (...conditions: NestedCondition[]): NestedCondition => ({ any: conditions });
const rule = (id: string, conditions: NestedCondition[]): RuleProperties => ({ name: id, conditions: all(is("inScope", true), ...conditions), event: { type: id } });
const notScan = op("kind", "notEqual", "scan");

export const JRE_RULES: RuleProperties[] = [
  rule("no-stage-skipping", [is("stageChanged", true), op("source", "notEqual", "import"), is("excepted", false), is("samePipeline", true), op("toIdx", "greaterThan", { fact: "fromIdx" }), is("toIsClosed", false), op("skipped", "greaterThan", 0)]),
  rule("no-silent-backward-moves", [is("stageChanged", true), is("excepted", false), op("changed", "doesNotContain", "hs_next_step"), is("samePipeline", true), op("toIdx", "lessThan", { fact: "fromIdx" }), op("toStage", "notEqual", "closedlost")]),
  rule("closed-won-is-final", [is("exited", "closedwon"), is("excepted", false), is("samePipeline", true), any(op("toStage", "notEqual", "closedlost"), is("isManager", false))]),
  rule("reopen-lost-deal-by-manager", [is("exited", "closedlost"), is("excepted", false), is("samePipeline", true), any(op("toStage", "notIn", OPEN), is("isManager", false))]),
  rule("no-bulk-closed-won", [is("entered", "closedwon"), op("source", "in", ["bulk", "import"]), is("excepted", false), is("toIsWon", true)]),
  rule("qualified-needs-contact", [is("entered", "qualifiedtobuy"), op("contacts", "lessThan", 1)]),
  rule("presentation-needs-amount-and-close-date", [op("entered", "in", ["presentationscheduled", "decisionmakerboughtin", "contractsent"]), any(is("hasAmount", false), is("hasClosedate", false))]),
  rule("amount-must-be-positive", [op("entered", "in", ["presentationscheduled", "decisionmakerboughtin", "contractsent"]), is("hasAmount", true), op("amount", "lessThanInclusive", 0)]),
  rule("decision-maker-identified", [is("entered", "decisionmakerboughtin"), is("hasDecisionMaker", false)]),
  rule("contract-needs-decision-maker-and-next-step", [is("entered", "contractsent"), any(is("hasDecisionMaker", false), is("hasNextStep", false), op("companies", "lessThan", 1))]),
  rule("closed-lost-needs-reason", [is("entered", "closedlost"), op("source", "notIn", ["import", "workflow"]), is("hasLostReason", false)]),
  rule("closed-won-needs-line-items", [is("entered", "closedwon"), any(is("hasAmount", false), op("lineItems", "lessThan", 1))]),
  rule("close-date-not-in-past", [any(is("kind", "scan"), all(notScan, any(op("changed", "contains", "closedate"), op("changed", "contains", "dealstage")))), is("toIsClosed", false), is("hasClosedate", true), op("closedate", "lessThan", { fact: "todayStart" })]),
  rule("close-date-pushed", [notScan, op("changed", "contains", "closedate"), is("hasOldClosedate", true), is("hasClosedate", true), is("toIsClosed", false), op("closedate", "greaterThan", { fact: "oldClosedate" })]),
  rule("amount-not-cleared-late", [notScan, op("changed", "contains", "amount"), op("toIdx", "greaterThanInclusive", 2), is("toIsClosed", false), is("hasAmount", false), is("hasOldAmount", true)]),
  rule("no-unowned-deals-past-first-stage", [any(is("kind", "scan"), all(is("kind", "created"), op("changed", "contains", "hubspot_owner_id")), all(is("kind", "updated"), any(is("stageChanged", true), op("changed", "contains", "hubspot_owner_id")))), op("toIdx", "greaterThan", 0), is("toIsClosed", false), is("hasOwner", false)]),
  rule("owner-moves-own-deals", [is("stageChanged", true), op("source", "in", ["ui", "bulk"]), is("isManager", false), is("isOwner", false)]),
  rule("large-deal-needs-approval", [op("entered", "in", ["contractsent", "closedwon"]), is("hasAmount", true), op("amount", "greaterThan", 50000), is("approved", false)]),
  rule("approval-by-manager-only", [notScan, op("changed", "contains", "manager_approved"), op("source", "notIn", ["integration", "workflow"]), is("approved", true), is("isManager", false)]),
];

export function createBaselineEngine(): Engine {
  return new Engine(JRE_RULES, { allowUndefinedFacts: true });
}

/** The rule ids json-rules-engine finds violated for one change. */
export async function evaluateBaseline(engine: Engine, change: DealChange, now: number): Promise<string[]> {
  const result = await engine.run(deriveFacts(change, now));
  return result.events.map((e) => e.type);
}
