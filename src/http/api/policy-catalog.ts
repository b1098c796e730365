// The shipped policies as the managers' view lists them: every policy and rule with its description, its plain
// `explain` sentence and its mode. Compiled once per isolate from the bundled files against the bundled portal
// snapshot (descriptions and modes don't depend on the live portal). Never does I/O.
import { POLICY_FILES, PORTAL_SNAPSHOT } from "../../generated/policies";
import { parseModeOverride } from "../../env";
import { loadPolicySet, type Mode, type PolicyInfo } from "../../policy";

export interface CatalogRule {
  id: string;
  description: string | null;
  explain: string | null;
  mode: Mode;
  severity: string;
  actions: string[];
}
export interface CatalogPolicy {
  id: string;
  description: string | null;
  version: string;
  file: string;
  mode: Mode;
  rules: CatalogRule[];
}

/** How many policy set versions the history shows (newest first). */
export const HISTORY_LIMIT = 20;

let cached: readonly PolicyInfo[] | null = null;

function shippedPolicies(): readonly PolicyInfo[] {
  if (cached === null) {
    const set = loadPolicySet(POLICY_FILES, PORTAL_SNAPSHOT);
    // The bundle step refuses policies that don't compile, so this only fails on a broken build.
    cached = set.ok ? set.value.policies : [];
    if (!set.ok) console.error("shipped policies do not compile against the bundled portal snapshot");
  }
  return cached;
}

/** Every shipped policy and rule; `override` (POLICY_MODE_OVERRIDE) replaces each mode as enforcement does. */
export function listCatalog(override: Mode | null): CatalogPolicy[] {
  return shippedPolicies().map((p) => ({
    id: p.id,
    description: p.description ?? null,
    version: p.version,
    file: p.file,
    mode: override ?? p.mode,
    rules: p.rules.map((r) => ({
      id: r.id,
      description: r.description ?? null,
      explain: r.explain ?? null,
      mode: override ?? r.mode,
      severity: r.severity,
      actions: [...r.actions],
    })),
  }));
}

/** POLICY_MODE_OVERRIDE=enforce|warn|audit, as enforcement reads it; anything else means "as written". */
export function readModeOverride(raw: string | undefined): Mode | null {
  return parseModeOverride(raw);
}

/** Rule id → its description, for tables that show rules (falls back to the id for rules no longer shipped). */
export function ruleLabels(catalog: readonly CatalogPolicy[]): (policyId: string, ruleId: string) => string {
  const labels = new Map(catalog.flatMap((p) => p.rules.map((r) => [`${p.id}/${r.id}`, r.description ?? r.id] as const)));
  return (policyId, ruleId) => labels.get(`${policyId}/${ruleId}`) ?? ruleId;
}

/** Policy id → its description. */
export function policyLabels(catalog: readonly CatalogPolicy[]): (policyId: string) => string {
  const labels = new Map(catalog.map((p) => [p.id, p.description ?? p.id] as const));
  return (policyId) => labels.get(policyId) ?? policyId;
}

/**
 * Property labels for wording `missing` lists: the live portal's (from the metadata cache) over the bundled
 * snapshot's, so a label renamed in HubSpot shows its new name.
 */
export function withSnapshotLabels(cached: Map<string, string>): Map<string, string> {
  const labels = new Map<string, string>();
  for (const p of PORTAL_SNAPSHOT.properties) if (p.label) labels.set(p.name, p.label);
  for (const [name, label] of cached) labels.set(name, label);
  return labels;
}
