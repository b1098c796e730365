// Filters accept a name or an id: "?owner=Dev Garcia", "?stage=Contract Sent", "?policy=Every deal has an accountable
// owner". Each is resolved to the id the tables store; an unknown or ambiguous one is a 400 that names it.
import { AppError } from "../../errors";
import { resolveNames, type UnresolvedName } from "../../store/name-lookup";
import type { CatalogPolicy } from "./policy-catalog";

export interface NamedFilters {
  owner?: string;
  team?: string;
  stage?: string;
  pipeline?: string;
  policy?: string;
  rule?: string;
}

type Problem = { field: string; message: string };

const NOUNS: Record<UnresolvedName["field"], string> = { owner: "owner", team: "team", stage: "stage" };

function describeUnresolved(u: UnresolvedName): Problem {
  const noun = NOUNS[u.field];
  if (u.matches === 0) return { field: u.field, message: `no ${noun} is named or has the id "${u.value}"` };
  const hint = u.field === "stage" ? "add pipeline= or use the stage id" : `use the ${noun}'s id`;
  return { field: u.field, message: `"${u.value}" names ${u.matches} ${noun}s; ${hint}` };
}

const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();

/** A policy by id or description; a rule by id or description within it (or across all policies). */
function resolvePolicyAndRule(q: NamedFilters, catalog: readonly CatalogPolicy[]): { policy?: string; rule?: string; problems: Problem[] } {
  const problems: Problem[] = [];
  let policy: CatalogPolicy | undefined;
  if (q.policy !== undefined) {
    const value = q.policy;
    policy = catalog.find((p) => p.id === value) ?? catalog.find((p) => same(p.description, value));
    if (!policy) problems.push({ field: "policy", message: `no policy is named or has the id "${value}"` });
  }
  let rule: string | undefined;
  if (q.rule !== undefined) {
    const value = q.rule;
    const rules = (policy ? [policy] : catalog).flatMap((p) => p.rules);
    const hit = rules.find((r) => r.id === value) ?? rules.find((r) => same(r.description, value));
    if (hit) rule = hit.id;
    else problems.push({ field: "rule", message: `no rule${policy ? ` of policy "${policy.id}"` : ""} is named or has the id "${value}"` });
  }
  return { policy: policy?.id, rule, problems };
}

/**
 * Returns `q` with owner, team, stage, policy and rule replaced by ids. Throws AppError INVALID_QUERY naming every
 * value it could not resolve. Policies and rules no longer shipped still resolve by id while violations carry them.
 */
export async function resolveFilterNames<Q extends NamedFilters>(db: D1Database, q: Q, catalog: readonly CatalogPolicy[]): Promise<Q> {
  const names = await resolveNames(db, { owner: q.owner, team: q.team, stage: q.stage, pipeline: q.pipeline });
  const problems: Problem[] = names.ok ? [] : names.unresolved.map(describeUnresolved);
  const policyRule = resolvePolicyAndRule(q, catalog);
  const retired = await retiredIds(db, q, policyRule.problems);
  problems.push(...policyRule.problems.filter((p) => !retired.has(p.field)));
  if (problems.length) throw new AppError("INVALID_QUERY", `unknown name: ${problems.map((p) => p.field).join(", ")}`, problems);
  const ids = names.ok ? names.ids : {};
  return {
    ...q,
    ...(q.owner !== undefined ? { owner: ids.owner } : {}),
    ...(q.team !== undefined ? { team: ids.team } : {}),
    ...(q.stage !== undefined ? { stage: ids.stage } : {}),
    ...(q.policy !== undefined ? { policy: policyRule.policy ?? q.policy } : {}),
    ...(q.rule !== undefined ? { rule: policyRule.rule ?? q.rule } : {}),
  };
}

/** Policy and rule ids that are no longer shipped but still on violations: accepted as ids. */
async function retiredIds(db: D1Database, q: NamedFilters, problems: Problem[]): Promise<Set<string>> {
  const fields = new Set(problems.map((p) => p.field));
  const out = new Set<string>();
  if (fields.size === 0) return out;
  const row = await db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM violations WHERE policy_id = ?1) AS policy,
              EXISTS (SELECT 1 FROM violations WHERE rule_id = ?2 AND (?1 IS NULL OR policy_id = ?1)) AS rule`,
    )
    .bind(q.policy ?? null, q.rule ?? null)
    .first<{ policy: number; rule: number }>();
  if (fields.has("policy") && row?.policy === 1) out.add("policy");
  if (fields.has("rule") && row?.rule === 1) out.add("rule");
  return out;
}
