// `policies test [dir] [--require-coverage]`: runs policies/tests/*.yaml; prints each case; non-zero exit on failure.
import { formatPolicyError, runPolicyTestFile } from "../../src/policy/index";
import { checkPolicies } from "./check";
import { readPolicyDir } from "./files";
import type { CliIO } from "./io";

export async function runTests(options: { dir: string; requireCoverage: boolean }, io: CliIO): Promise<number> {
  const checked = await checkPolicies({ dir: options.dir }, io);
  if (checked.set === null || checked.portal === null) return 1;
  const { testFiles } = readPolicyDir(options.dir);
  if (testFiles.length === 0) {
    io.err(`error: no test files in ${options.dir}/tests`);
    return 1;
  }
  let passed = 0;
  let failed = 0;
  const violated = new Set<string>();
  const passedRules = new Set<string>();
  for (const file of testFiles) {
    const results = runPolicyTestFile(checked.set, checked.portal, file);
    if (!results.ok) {
      for (const error of results.error) io.err(formatPolicyError(error));
      failed++;
      continue;
    }
    for (const result of results.value) {
      result.violated.forEach((r) => violated.add(r));
      result.passedRules.forEach((r) => passedRules.add(r));
      if (result.passed) {
        passed++;
        io.out(`  ok    ${file.path} › ${result.name}`);
      } else {
        failed++;
        io.out(`  FAIL  ${file.path} › ${result.name}`);
        for (const problem of result.problems) io.out(`          ${problem}`);
      }
    }
  }
  const uncovered: string[] = [];
  for (const policy of checked.set.policies) {
    for (const rule of policy.rules) {
      const key = `${policy.id}/${rule.id}`;
      const gaps = [violated.has(key) ? "" : "no failing case", passedRules.has(key) ? "" : "no passing case"].filter((g) => g !== "");
      if (gaps.length > 0) uncovered.push(`${key}: ${gaps.join(", ")}`);
    }
  }
  for (const gap of uncovered) io.out(`  coverage: ${gap}`);
  io.out(`${failed === 0 ? "✓" : "✗"} ${passed} passed, ${failed} failed; ${uncovered.length === 0 ? "every rule has a failing and a passing case" : `${uncovered.length} rules not fully covered`}`);
  return failed > 0 || (options.requireCoverage && uncovered.length > 0) ? 1 : 0;
}
