// Who enforces each rule for each change source: HubSpot before the save, the engine after it, or nobody (the rule
// exempts or doesn't apply to that source). HubSpot's reach per source is REFERENCE.md §7/§8: UI, bulk edits and
// API writes that carry a user id; never workflows, imports, app writes without a user id, or super admins.
import { isInternalSet, type ActorMatcher } from "../plan";
import type { ChangeSourceKind, CompiledPolicySet } from "../types";
import { compileNativePlan } from "./compile";

export interface CoverageSource {
  id: string;
  label: string;
  /** The normalised source the engine sees for it. */
  kind: ChangeSourceKind;
  /** HubSpot applies its pipeline rules to this source. */
  native: boolean;
}

export const COVERAGE_SOURCES: readonly CoverageSource[] = [
  { id: "ui", label: "CRM UI", kind: "ui", native: true },
  { id: "bulk", label: "Bulk edit", kind: "bulk", native: true },
  { id: "import", label: "Import", kind: "import", native: false },
  { id: "workflow", label: "Workflow", kind: "workflow", native: false },
  { id: "api-user", label: "API with a user id", kind: "api", native: true },
  { id: "api", label: "API without a user id", kind: "api", native: false },
  { id: "integration", label: "Integration (app)", kind: "integration", native: false },
  { id: "super-admin", label: "Super admin (any tool)", kind: "ui", native: false },
];

export type CoverageCell = "hubspot" | "engine" | "engine-warn" | "engine-audit" | "not-checked";

export interface CoverageRow {
  policyId: string;
  ruleId: string;
  enforcement: "engine" | "native+engine";
  cells: Record<string, CoverageCell>;
  /** Why the rule isn't (fully) native, for the row's tooltip/footnote. */
  why: string;
}

/** The coverage matrix of a compiled set. Pure; never throws. */
export function computeCoverage(set: CompiledPolicySet): CoverageRow[] {
  if (!isInternalSet(set)) return [];
  const reports = compileNativePlan(set).rules;
  return set.plans.flatMap((policy) =>
    policy.rules.map((rule): CoverageRow => {
      const report = reports.find((r) => r.policyId === policy.id && r.ruleId === rule.id);
      const native = report?.compiled === true;
      const cells: Record<string, CoverageCell> = {};
      for (const source of COVERAGE_SOURCES) {
        const skipped = (rule.appliesTo !== null && !rule.appliesTo.some((m) => m.sources === null || m.sources.has(source.kind))) ||
          rule.exempt.some((m) => m.sources !== null && sourceOnlyMatch(m, source.kind));
        cells[source.id] = skipped ? "not-checked" : native && source.native ? "hubspot" : rule.mode === "audit" ? "engine-audit" : rule.mode === "warn" ? "engine-warn" : "engine";
      }
      const why = native ? "HubSpot blocks it where it can; the engine judges the rest"
        : report === undefined ? ""
        : report.blockers.length > 0 ? `engine only: ${report.blockers.join("; ")}`
        : "engine only by choice (enforcement: engine); HubSpot could enforce it with enforcement: native+engine";
      return { policyId: policy.id, ruleId: rule.id, enforcement: rule.enforcement, cells, why };
    }),
  );
}

/** A matcher that names only sources matches by source alone; one with users/teams/roles can't be decided per source. */
function sourceOnlyMatch(m: ActorMatcher, kind: ChangeSourceKind): boolean {
  if (m.users !== null || m.teams !== null || m.managers !== null || m.owner !== null) return false;
  return m.sources === null || m.sources.has(kind);
}
