// Policy test files (policies/tests/*.yaml, kind PolicyTest): a change → the expected violations and actions, or none.
// In the spirit of `opa test` / `kyverno test`. Pure: the caller reads the files and prints the results.
import { z } from "zod";
import { buildDealChange, ChangeSpecSchema } from "./change-spec";
import { evaluateChange } from "./evaluate";
import { loadSource } from "./load";
import type { CompiledPolicySet, PolicyError, PortalSchema, Result, Violation } from "./types";
import { validateAgainst } from "./validate";

const ExpectedViolation = z.strictObject({
  rule: z.string().min(1),
  policy: z.string().optional(),
  severity: z.enum(["info", "warning", "critical"]).optional(),
  mode: z.enum(["audit", "warn", "enforce"]).optional(),
  actions: z.array(z.enum(["task", "revert", "log", "notify-manager"])).optional(),
  missing: z.array(z.string()).optional(),
  message: z.string().optional(),
});

const Instant = z.union([z.string(), z.number(), z.date()]);

export const PolicyTestSchema = z.strictObject({
  apiVersion: z.literal("governance/v1"),
  kind: z.literal("PolicyTest"),
  policy: z.string().min(1).optional(),
  description: z.string().optional(),
  now: Instant,
  base: ChangeSpecSchema.optional(),
  cases: z.array(z.strictObject({
    name: z.string().min(1),
    now: Instant.optional(),
    change: ChangeSpecSchema,
    expect: z.strictObject({ violations: z.array(ExpectedViolation) }),
  })).min(1),
});
export type PolicyTestDoc = z.infer<typeof PolicyTestSchema>;

const TEST_FIELDS = ["apiVersion", "kind", "policy", "description", "now", "base", "cases", "name", "change", "expect", "violations", "rule", "severity", "mode", "actions", "missing", "message",
  "pipeline", "fromPipeline", "from", "to", "old", "new", "changed", "owner", "ownerTeams", "actor", "associations", "occurredAt", "dealId",
  "userId", "ownerId", "teams", "isOwner", "isManager", "changeSource", "sourceId", "contacts", "companies", "line_items"];

export interface TestCaseResult {
  file: string;
  name: string;
  passed: boolean;
  problems: string[];
  /** Rule keys ("policy/rule") this case saw violated and saw pass. */
  violated: string[];
  passedRules: string[];
}

/** Runs every case of one test file against the compiled set. Schema errors come back positioned. */
export function runPolicyTestFile(set: CompiledPolicySet, portal: PortalSchema, file: { path: string; text: string }): Result<TestCaseResult[], PolicyError[]> {
  const loaded = loadSource(file.path, file.text);
  if (!loaded.ok) return loaded;
  const validated = validateAgainst(PolicyTestSchema, loaded.value, TEST_FIELDS);
  if (!validated.ok) return validated;
  const doc = validated.value;
  if (doc.policy !== undefined && !set.policies.some((p) => p.id === doc.policy)) {
    return { ok: false, error: [{ code: "schema", file: file.path, ...loaded.value.locate(["policy"]), path: "policy", message: `unknown policy "${doc.policy}"` }] };
  }
  const results = doc.cases.map((testCase, i): TestCaseResult => {
    const problems: string[] = [];
    const now = toEpoch(testCase.now ?? doc.now);
    const change = buildDealChange(mergeSpec(doc.base ?? {}, testCase.change), portal);
    const result: TestCaseResult = { file: file.path, name: testCase.name, passed: false, problems, violated: [], passedRules: [] };
    if (now === null) problems.push(`cases[${i}]: invalid now`);
    if (!change.ok) problems.push(`cases[${i}]: ${change.error}`);
    if (now === null || !change.ok) return result;
    const evaluation = evaluateChange(set, change.value, { now });
    const inPolicy = (policyId: string): boolean => doc.policy === undefined || policyId === doc.policy;
    const actual = evaluation.violations.filter((v) => inPolicy(v.policyId));
    result.violated = actual.map((v) => `${v.policyId}/${v.ruleId}`);
    result.passedRules = evaluation.evaluated.filter((e) => e.passed && inPolicy(e.policyId)).map((e) => `${e.policyId}/${e.ruleId}`);
    for (const expected of testCase.expect.violations) {
      const hit = actual.find((v) => v.ruleId === expected.rule && (expected.policy === undefined || v.policyId === expected.policy));
      if (hit === undefined) {
        problems.push(`expected a violation of ${expected.rule}, got ${actual.length === 0 ? "none" : actual.map((v) => v.ruleId).join(", ")}`);
        continue;
      }
      problems.push(...compareViolation(expected, hit));
    }
    for (const v of actual) {
      if (!testCase.expect.violations.some((e) => e.rule === v.ruleId && (e.policy === undefined || e.policy === v.policyId))) {
        problems.push(`unexpected violation of ${v.policyId}/${v.ruleId}: ${v.message}`);
      }
    }
    result.passed = problems.length === 0;
    return result;
  });
  return { ok: true, value: results };
}

function compareViolation(expected: z.infer<typeof ExpectedViolation>, actual: Violation): string[] {
  const out: string[] = [];
  const rule = expected.rule;
  if (expected.severity !== undefined && expected.severity !== actual.severity) out.push(`${rule}: severity ${actual.severity}, expected ${expected.severity}`);
  if (expected.mode !== undefined && expected.mode !== actual.mode) out.push(`${rule}: mode ${actual.mode}, expected ${expected.mode}`);
  if (expected.actions !== undefined) {
    const got = actual.actions.map((a) => a.type).sort().join(",");
    const want = [...expected.actions].sort().join(",");
    if (got !== want) out.push(`${rule}: actions [${got}], expected [${want}]`);
  }
  if (expected.missing !== undefined) {
    const got = [...actual.missing].sort().join(",");
    const want = [...expected.missing].sort().join(",");
    if (got !== want) out.push(`${rule}: missing [${got}], expected [${want}]`);
  }
  if (expected.message !== undefined && !actual.message.includes(expected.message)) {
    out.push(`${rule}: message "${actual.message}" does not contain "${expected.message}"`);
  }
  return out;
}

function mergeSpec<T extends Record<string, unknown>>(base: T, over: T): T {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? { ...b, ...v } : v;
  }
  return out as T;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function toEpoch(value: string | number | Date): number | null {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
