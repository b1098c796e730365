// The "values" trace step: for every property (and association count) a rule's checks read, whether the value was
// the one the deal had when the change happened (`as-of`) or the deal's current value (`current`), and why. Pure.
import type { DealChange, TraceStep, ValueOrigin } from "./types";

/** The property names and association keys the trace's steps read (require, associations, CEL `new.x`/`old.x`). */
export function namesReadBy(trace: readonly TraceStep[]): string[] {
  const names = new Set<string>();
  for (const step of trace) {
    if (step.check === "require" && typeof step.values.property === "string") names.add(step.values.property);
    else if (step.check === "associations" && typeof step.values.kind === "string") names.add(`association:${step.values.kind}`);
    for (const path of Object.keys(step.values)) {
      const match = /^(?:new|old)\.([^.]+)$/.exec(path);
      if (match?.[1] !== undefined) names.add(match[1]);
      else if (/^deal\.(contacts|companies|lineItems)$/.test(path)) names.add(`association:${path === "deal.lineItems" ? "line_items" : path.slice(5)}`);
    }
  }
  return [...names].sort();
}

/**
 * One trace step naming the origin of every value the rule read; null when the change carries no origins (a change
 * built by hand) or the rule read no property. A value without a recorded origin is reported as unknown.
 */
export function valueOriginsStep(change: DealChange, trace: readonly TraceStep[]): TraceStep | null {
  if (change.origins === undefined) return null;
  const names = namesReadBy(trace);
  if (names.length === 0) return null;
  const values: Record<string, ValueOrigin> = {};
  for (const name of names) values[name] = change.origins[name] ?? { origin: "current", reason: "no origin recorded" };
  const current = names.filter((n) => values[n]?.origin === "current");
  return {
    check: "values",
    passed: true,
    values,
    // The visible line of the violation page: a value not judged as of the change is named with why (e.g. the
    // association timeline starts after the change).
    detail: current.length === 0 ? "every value as of the change" : `not as of the change: ${current.map((n) => `${n} (${values[n]?.reason ?? ""})`).join("; ")}`,
  };
}
