// What reps and managers read — messages, task subjects and bodies, what failed, the trace's plain lines — over
// every rule of the shipped set: the portal's labels, never CEL, internal property names, rule ids or markers.
import { describe, expect, it } from "vitest";
import { POLICY_FILES, PORTAL_SNAPSHOT } from "../generated/policies";
import { associationKindWords, buildDealChange, evaluateChange, loadPolicySet, type ChangeSpec, type Violation } from "./index";

const NOW = Date.UTC(2026, 5, 1, 12);
const set = loadPolicySet(POLICY_FILES, PORTAL_SNAPSHOT);
const stages = PORTAL_SNAPSHOT.pipelines[0]?.stages.map((s) => s.label) ?? [];

const deals: Array<Record<string, string | null>> = [
  { dealname: "Bare Deal" },
  { dealname: "Big Deal", amount: "90000", closedate: "2026-05-01", hubspot_owner_id: "201", hs_next_step: "Call" },
  { dealname: "Zero Deal", amount: "0", closedate: "2026-09-01", hubspot_owner_id: "201", decision_maker: "Dana" },
];
const actors: NonNullable<ChangeSpec["actor"]>[] = [
  { userId: "101", ownerId: "201", isOwner: true, changeSource: "CRM_UI" },
  { userId: "102", ownerId: "202", isOwner: false, changeSource: "CRM_UI" },
  { userId: "103", isOwner: false, changeSource: "CRM_UI_BULK_ACTION" },
];

/** Stage moves between every pair, and the property edits the forecast and approval rules watch. */
function changes(): ChangeSpec[] {
  const out: ChangeSpec[] = [];
  for (const old of deals) {
    for (const actor of actors) {
      const associations = { contacts: 0, companies: 0, line_items: 0 };
      for (const from of stages) for (const to of stages) if (from !== to) out.push({ from, to, old, actor, associations });
      out.push({ from: "Contract Sent", to: "Contract Sent", old: { ...old, closedate: "2026-07-01" }, new: { closedate: "2026-10-01" }, actor });
      out.push({ from: "Contract Sent", to: "Contract Sent", old: { ...old, closedate: "2026-07-01" }, new: { closedate: "2026-01-01" }, actor });
      out.push({ from: "Contract Sent", to: "Contract Sent", old: { ...old, amount: "5000" }, new: { amount: null }, actor });
      out.push({ from: "Contract Sent", to: "Contract Sent", old, new: { manager_approved: "true" }, actor });
      // The scheduled scan of a deal a month in Contract Sent (stale-deal rules).
      out.push({ kind: "scan", to: "Contract Sent", old, actor, stageEnteredAt: "2026-05-01T00:00:00Z" });
    }
  }
  return out;
}

function violations(): Violation[] {
  if (!set.ok) throw new Error("the shipped set does not compile");
  return changes().flatMap((spec) => {
    const change = buildDealChange(spec, PORTAL_SNAPSHOT);
    if (!change.ok) throw new Error(change.error);
    return evaluateChange(set.value, change.value, { now: NOW }).violations;
  });
}

/** Every text of a violation a person reads (the trace's expressions and raw values are for admins only). */
function textsOf(v: Violation): string[] {
  return [
    v.message,
    ...v.actions.flatMap((a) => [a.note ?? "", a.task?.subject ?? "", a.task?.body ?? ""]),
    ...v.trace.map((t) => t.detail),
  ].filter((t) => t !== "");
}

// A property whose internal name is not simply its label in lower case (closedate ≠ "Close Date").
const internalNames = PORTAL_SNAPSHOT.properties
  .filter((p) => p.label !== undefined && p.label.toLowerCase() !== p.name.toLowerCase())
  .map((p) => p.name);
const CEL = /&&|\|\||==|!=|\bhas\(|\b(new|old|change|actor|deal)\.[a-z]|startOfDay|days\(/;

describe("plain language over the shipped policies", () => {
  const all = violations();
  const ruleIds = set.ok ? set.value.policies.flatMap((p) => p.rules.map((r) => r.id)) : [];

  it("exercises every shipped rule (so the checks below cover them all)", () => {
    const seen = new Set(all.map((v) => v.ruleId));
    expect(ruleIds.filter((id) => !seen.has(id))).toEqual([]);
  });

  it("never shows CEL, internal property names, rule ids, counting jargon or markers", () => {
    const problems: string[] = [];
    for (const v of all) {
      for (const text of textsOf(v)) {
        if (CEL.test(text)) problems.push(`${v.ruleId}: CEL in "${text}"`);
        for (const name of internalNames) if (new RegExp(`\\b${name}\\b`).test(text)) problems.push(`${v.ruleId}: "${name}" in "${text}"`);
        for (const id of ruleIds) if (text.includes(id)) problems.push(`${v.ruleId}: rule id in "${text}"`);
        if (/\(at most \d+ allowed\)|governance-ref|\{\{|T\d\d:\d\d:\d\d\.\d{3}Z/.test(text)) problems.push(`${v.ruleId}: jargon in "${text}"`);
      }
    }
    expect([...new Set(problems)].slice(0, 20)).toEqual([]);
  });

  it("names missing properties by their portal label", () => {
    const entry = all.find((v) => v.ruleId === "presentation-needs-amount-and-close-date" && v.missing.includes("closedate"));
    expect(entry?.message).toContain("Close Date");
    const contract = all.find((v) => v.ruleId === "contract-needs-decision-maker-and-next-step" && v.missing.includes("hs_next_step"));
    expect(contract?.message).toMatch(/Next step/);
  });

  it("words a rule's condition with its explain sentence, and a skip by the stages it jumped", () => {
    const past = all.find((v) => v.ruleId === "close-date-not-in-past");
    expect(past?.trace.find((t) => t.check === "assert")?.detail).toBe("An open deal's close date is today or later: no");
    const skip = all.find((v) => v.ruleId === "no-stage-skipping" && v.message.includes("Appointment Scheduled to Presentation Scheduled"));
    expect(skip?.message).toContain("it skipped Qualified To Buy; deals move one stage at a time");
  });
});

describe("association kinds in words", () => {
  it("names kinds as an admin reads them", () => {
    expect(associationKindWords(["line_items"])).toBe("line items");
    expect(associationKindWords(["contacts", "line_items"])).toBe("contacts and line items");
    expect(associationKindWords(["companies", "contacts", "line_items"])).toBe("companies, contacts and line items");
  });
});
