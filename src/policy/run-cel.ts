// Runs one compiled CEL condition against a change and records what it read in the trace. Shared by the rule checks
// and the approval/edit gates, which is why it stands apart from checks.ts (no import cycle between them).
import type { Trace } from "./checks";
import type { ChangeContext } from "./context";
import type { CelPlan } from "./plan";

/** Runs a CEL plan; `sentence` (the rule's explain or description) words the trace step for people. */
export function runCel(plan: CelPlan, ctx: ChangeContext, check: string, trace: Trace, sentence: string | null = null): boolean | Error {
  let result: unknown;
  try {
    result = plan.run(ctx.cel());
  } catch (error) {
    result = error instanceof Error ? error : new Error(String(error));
  }
  const passed = result === true;
  if (trace !== null) {
    const vars = ctx.cel();
    const values: Record<string, unknown> = {};
    for (const path of plan.paths) values[path] = readPath(vars, path);
    if (result instanceof Error) values.error = result.message.split("\n")[0];
    trace.push({
      check,
      expression: plan.source,
      passed,
      values,
      detail: result instanceof Error
        ? `could not be checked: ${String(values.error)}`
        : sentence !== null ? `${sentence}: ${passed ? "yes" : "no"}` : passed ? "condition met" : "condition not met",
    });
  }
  return result instanceof Error ? result : passed;
}

/** Reads a dotted path from the CEL variables as a JSON-safe value (BigInt → number, absent → null). */
export function readPath(vars: Record<string, unknown>, path: string): unknown {
  let node: unknown = vars;
  for (const key of path.split(".")) {
    if (typeof node !== "object" || node === null || !Object.prototype.hasOwnProperty.call(node, key)) return null;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === "bigint") return Number(node);
  if (Array.isArray(node)) return [...(node as unknown[])];
  return typeof node === "object" ? null : node;
}
