// Every class of check-time error, with its exact file:line:col, field path and suggestion.
import { describe, expect, it } from "vitest";
import { formatPolicyError, loadPolicySet } from "./index";
import { TEST_PORTAL } from "./test-portal";
import type { PolicyErrorCode } from "./types";

function check(text: string, path = "policies/enterprise.yaml"): Array<{ code: PolicyErrorCode; line: string }> {
  const result = loadPolicySet([{ path, text }], TEST_PORTAL);
  if (result.ok) return [];
  return result.error.map((e) => ({ code: e.code, line: formatPolicyError(e) }));
}

const HEAD = "apiVersion: governance/v1\nkind: DealPolicy\nid: enterprise\n";

describe("policy errors name file:line:col, the field path and a suggestion", () => {
  it("yaml-syntax: a broken flow mapping", () => {
    const errors = check(`${HEAD}rules:\n  - id: a\n    on: { stageChanged: true\n`);
    expect(errors[0]?.code).toBe("yaml-syntax");
    expect(errors[0]?.line).toMatch(/^policies\/enterprise\.yaml:\d+:\d+: /);
  });

  it("yaml-syntax: a duplicate key is reported where the duplicate is", () => {
    const errors = check(`${HEAD}id: again\nrules: []\n`);
    expect(errors).toEqual([{ code: "yaml-syntax", line: "policies/enterprise.yaml:4:1: Map keys must be unique" }]);
  });

  it("unknown-field with a did-you-mean", () => {
    const errors = check(`${HEAD}rules:\n  - id: a\n    on: { stageChanged: true }\n    transition: { maxSkip: 0 }\n    severty: info\n`);
    expect(errors).toEqual([{ code: "unknown-field", line: 'policies/enterprise.yaml:8:5 rules[0].severty: unknown field "severty" (did you mean "severity"?)' }]);
  });

  it("schema: a wrong enum value suggests the closest option", () => {
    const errors = check(`${HEAD}rules:\n  - id: a\n    on: { stageChanged: true }\n    transition: { maxSkip: 0 }\n    actions: [task, revrt]\n`);
    expect(errors).toEqual([{ code: "schema", line: 'policies/enterprise.yaml:8:21 rules[0].actions[1]: "revrt" is not allowed; expected one of "task", "revert", "log", "notify-manager" (did you mean "revert"?)' }]);
  });

  it("schema: a wrong type and a wrong apiVersion", () => {
    const errors = check(`apiVersion: governance/v2\nkind: DealPolicy\nid: enterprise\nrules:\n  - id: a\n    on: { stageChanged: true }\n    transition: { maxSkip: "one" }\n`);
    expect(errors.map((e) => e.line)).toEqual([
      'policies/enterprise.yaml:1:13 apiVersion: "governance/v2" is not allowed; expected "governance/v1" (did you mean "governance/v1"?)',
      'policies/enterprise.yaml:7:28 rules[0].transition.maxSkip: expected number, got string "one"',
    ]);
  });

  it("schema: a rule with nothing to check, a trigger-less rule and a missing field", () => {
    const errors = check(`${HEAD}rules:\n  - id: a\n    on: { stageChanged: true }\n  - id: b\n    on: {}\n    assert: "true"\n  - on: { created: true }\n    assert: "true"\n`);
    expect(errors.map((e) => e.line)).toEqual([
      "policies/enterprise.yaml:5:5 rules[0]: needs something to check: assert, require, associations, transition, requireApproval or restrictEdits",
      "policies/enterprise.yaml:8:9 rules[1].on: needs at least one trigger: created, stageEntered, stageExited, stageChanged, propertyChanged or scan",
      "policies/enterprise.yaml:10:5 rules[2].id: is required (string)",
    ]);
  });

  it("duplicate-id: two rules with one id", () => {
    const errors = check(`${HEAD}rules:\n  - id: a\n    on: { created: true }\n    require: [amount]\n  - id: a\n    on: { created: true }\n    require: [dealname]\n`);
    expect(errors).toEqual([{ code: "duplicate-id", line: 'policies/enterprise.yaml:8:9 rules[1].id: duplicate rule id "a" (also rules[0])' }]);
  });

  it("duplicate-id: two files with one policy id", () => {
    const text = `${HEAD}rules:\n  - id: a\n    on: { created: true }\n    require: [amount]\n`;
    const result = loadPolicySet([{ path: "policies/a.yaml", text }, { path: "policies/b.yaml", text }], TEST_PORTAL);
    expect(result.ok ? [] : result.error.map(formatPolicyError)).toEqual(['policies/b.yaml:3:5 id: duplicate policy id "enterprise" (also in policies/a.yaml)']);
  });

  it("unknown-pipeline", () => {
    const errors = check(`${HEAD}scope:\n  pipelines: [Sales Pipelin]\nrules:\n  - id: a\n    on: { created: true }\n    require: [amount]\n`);
    expect(errors).toEqual([{ code: "unknown-pipeline", line: 'policies/enterprise.yaml:5:15 scope.pipelines[0]: unknown pipeline "Sales Pipelin" (did you mean "Sales Pipeline"?)' }]);
  });

  it("unknown-stage: by label, in a list, and outside the scoped pipeline", () => {
    const errors = check(`${HEAD}scope:\n  pipelines: [default]\nrules:\n  - id: a\n    on: { stageEntered: "Contract Snt" }\n    require: [amount]\n  - id: b\n    on: { stageEntered: [Closed Won, Renewed] }\n    require: [amount]\n`);
    expect(errors.map((e) => e.line)).toEqual([
      `policies/enterprise.yaml:8:25 rules[0].on.stageEntered: unknown stage "Contract Snt" in the policy's pipelines (did you mean "Contract Sent"?)`,
      `policies/enterprise.yaml:11:38 rules[1].on.stageEntered[1]: unknown stage "Renewed" in the policy's pipelines`,
    ]);
    expect(errors.every((e) => e.code === "unknown-stage")).toBe(true);
  });

  it("unknown-property: in require, in a CEL condition and in propertyChanged", () => {
    const errors = check(`${HEAD}rules:\n  - id: a\n    on: { propertyChanged: [amount, closdate] }\n    when: new.amout > 5.0\n    require: [amount, amout]\n`);
    expect(errors.map((e) => e.line)).toEqual([
      'policies/enterprise.yaml:6:37 rules[0].on.propertyChanged[1]: unknown property "closdate" (did you mean "closedate"?)',
      'policies/enterprise.yaml:7:15 rules[0].when: unknown property "amout" (did you mean "amount"?)',
      'policies/enterprise.yaml:8:23 rules[0].require[1]: unknown property "amout" (did you mean "amount"?)',
    ]);
    expect(errors.every((e) => e.code === "unknown-property")).toBe(true);
  });

  it("the issue's example: policies/enterprise.yaml:14:7 rules[2].require[1]", () => {
    const rule = (id: string): string => `  - id: ${id}\n    on: { created: true }\n    require: [amount]\n`;
    const text = `${HEAD}mode: audit\nrules:\n${rule("a")}${rule("b")}  - require:\n    - amount\n    - amout\n    id: c\n    on: { created: true }\n`;
    expect(check(text).map((e) => e.line)).toEqual(['policies/enterprise.yaml:14:7 rules[2].require[1]: unknown property "amout" (did you mean "amount"?)']);
  });

  it("cel-syntax and cel-type, positioned inside quoted and block scalars", () => {
    const errors = check(`${HEAD}rules:\n  - id: a\n    on: { created: true }\n    assert: "new.amount > "\n  - id: b\n    on: { created: true }\n    assert: |\n      has(new.amount) &&\n        new.amount + "x"\n  - id: c\n    on: { created: true }\n    assert: new.amount * 2.0\n`);
    expect(errors).toEqual([
      { code: "cel-syntax", line: "policies/enterprise.yaml:7:27 rules[0].assert: CEL: Unexpected token: EOF" },
      { code: "cel-type", line: "policies/enterprise.yaml:12:9 rules[1].assert: CEL: no such overload: double + string" },
      { code: "cel-type", line: "policies/enterprise.yaml:15:13 rules[2].assert: CEL: expression must be a bool, got double" },
    ]);
  });

  it("template: unknown references in messages and task subjects", () => {
    const errors = check(`${HEAD}rules:\n  - id: a\n    on: { created: true }\n    require: [amount]\n    message: "Fill {{missing}} on {{new.dealnme}}"\n    actions:\n      - task: { subject: "{{chnge.to.label}}" }\n`);
    expect(errors).toEqual([
      { code: "template", line: 'policies/enterprise.yaml:8:35 rules[0].message: unknown property "dealnme" in template (did you mean "new.dealname"?)' },
      { code: "template", line: 'policies/enterprise.yaml:10:27 rules[0].actions[0].task.subject: unknown template reference "{{chnge.to.label}}" (did you mean "change.to.label"?)' },
    ]);
  });

  it("invalid-date: an exception expiry that is not a date", () => {
    const errors = check(`${HEAD}exceptions:\n  - users: ["userId:1"]\n    reason: migration\n    expires: 2027-02-30\nrules:\n  - id: a\n    on: { created: true }\n    require: [amount]\n`);
    expect(errors).toEqual([{ code: "invalid-date", line: 'policies/enterprise.yaml:7:14 exceptions[0].expires: invalid expiry date "2027-02-30" (use YYYY-MM-DD or an ISO timestamp)' }]);
  });

  it("schema: unknown change source, and revert without a stage trigger", () => {
    const errors = check(`${HEAD}rules:\n  - id: a\n    on: { propertyChanged: amount }\n    require: [amount]\n    exempt:\n      - sources: [imprt]\n    actions: [revert]\n`);
    expect(errors.map((e) => e.line)).toEqual([
      'policies/enterprise.yaml:9:19 rules[0].exempt[0].sources[0]: unknown change source "imprt" (did you mean "import"?)',
      "policies/enterprise.yaml:10:15 rules[0].actions[0]: revert needs a stage trigger (stageEntered, stageExited or stageChanged)",
    ]);
  });

  it("reports every error of every file, not just the first", () => {
    const bad = `${HEAD}rules:\n  - id: a\n    on: { stageEntered: Nowhere }\n    require: [nothing]\n`;
    const result = loadPolicySet([{ path: "policies/x.yaml", text: bad }, { path: "policies/y.yaml", text: bad.replace("enterprise", "other") }], TEST_PORTAL);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.map((e) => `${e.file}:${e.code}`)).toEqual(["policies/x.yaml:unknown-stage", "policies/x.yaml:unknown-property", "policies/y.yaml:unknown-stage", "policies/y.yaml:unknown-property"]);
  });

  it("a valid JSON policy file is accepted", () => {
    const json = JSON.stringify({ apiVersion: "governance/v1", kind: "DealPolicy", id: "json-policy", rules: [{ id: "a", on: { created: true }, require: ["amount"] }] });
    expect(loadPolicySet([{ path: "policies/p.json", text: json }], TEST_PORTAL).ok).toBe(true);
  });
});
