// Names next to ids in what the API returns: violations (JSON and CSV) and the summary. Ids stay, so scripts keep
// working; names are null when the metadata cache doesn't know the id.
import { loadDisplayNames } from "../../store/display-names";
import type { Summary } from "../../store/summary-query";
import type { ViolationItem } from "../../store/violations";
import { policyLabels, ruleLabels, type CatalogPolicy } from "./policy-catalog";

export interface ViolationNames {
  ownerName: string | null;
  teamName: string | null;
  /** The person who made the violating change (the acting HubSpot user), by name. */
  actorName: string | null;
  ruleDescription: string | null;
  policyDescription: string | null;
}
export type NamedViolation = ViolationItem & ViolationNames;

/** The name columns CSV appends after the violation's own fields, in this order. */
export const NAME_FIELDS: ReadonlyArray<keyof ViolationNames> = ["ownerName", "teamName", "actorName", "ruleDescription", "policyDescription"];

const known = (map: Map<string, string>, id: string | null): string | null => (id === null ? null : (map.get(id) ?? null));

/** Adds names to a page of violations with one D1 round trip. */
export async function nameViolations<T extends ViolationItem>(db: D1Database, items: T[], catalog: readonly CatalogPolicy[]): Promise<Array<T & ViolationNames>> {
  const names = await loadDisplayNames(db, { owners: items.map((v) => v.ownerId), teams: items.map((v) => v.teamId), users: items.map((v) => v.actorUserId) });
  const rule = ruleLabels(catalog);
  const policy = policyLabels(catalog);
  return items.map((v) => {
    const ruleDescription = rule(v.policyId, v.ruleId);
    const policyDescription = policy(v.policyId);
    return {
      ...v,
      ownerName: known(names.owners, v.ownerId),
      teamName: known(names.teams, v.teamId),
      actorName: known(names.users, v.actorUserId),
      ruleDescription: ruleDescription === v.ruleId ? null : ruleDescription,
      policyDescription: policyDescription === v.policyId ? null : policyDescription,
    };
  });
}

type Named<T, K extends string> = T & Record<K, string | null>;
export interface NamedSummary extends Omit<Summary, "byOwner" | "byTeam" | "byRule" | "byStage"> {
  byOwner: Array<Named<Summary["byOwner"][number], "ownerName">>;
  byTeam: Array<Named<Summary["byTeam"][number], "teamName">>;
  byRule: Array<Named<Summary["byRule"][number], "ruleDescription" | "policyDescription">>;
  byStage: Array<Named<Summary["byStage"][number], "stageLabel">>;
}

/** The summary with owner, team and stage names and rule/policy descriptions beside their ids. */
export async function nameSummary(db: D1Database, s: Summary, catalog: readonly CatalogPolicy[]): Promise<NamedSummary> {
  const names = await loadDisplayNames(db, { owners: s.byOwner.map((o) => o.ownerId), teams: s.byTeam.map((t) => t.teamId), stages: s.byStage.map((x) => x.stage) });
  const rule = ruleLabels(catalog);
  const policy = policyLabels(catalog);
  return {
    ...s,
    byOwner: s.byOwner.map((o) => ({ ...o, ownerName: known(names.owners, o.ownerId) })),
    byTeam: s.byTeam.map((t) => ({ ...t, teamName: known(names.teams, t.teamId) })),
    byRule: s.byRule.map((r) => {
      const d = rule(r.policyId, r.ruleId);
      const p = policy(r.policyId);
      return { ...r, ruleDescription: d === r.ruleId ? null : d, policyDescription: p === r.policyId ? null : p };
    }),
    byStage: s.byStage.map((x) => ({ ...x, stageLabel: known(names.stages, x.stage) })),
  };
}
