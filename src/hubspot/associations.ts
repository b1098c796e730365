// Association counts for deals (contacts, companies, line items), one v4 batch read per kind per ≤1000 deals.
// Only the kinds (and deals) whose verdicts depend on them are fetched (see src/enforcement/association-needs.ts).
import type { AssociationKind } from "../policy";
import { chunk } from "../chunk";
import type { HubSpotClient } from "./client";
import { callHubSpot, type HubSpotError, type Result } from "./errors";

export type AssociationCounts = { contacts: number; companies: number; line_items: number };

export const NO_ASSOCIATIONS: AssociationCounts = { contacts: 0, companies: 0, line_items: 0 };

/** Counts, per kind, the associations of the listed deals (deals not listed for a kind count 0). */
export async function countAssociations(
  client: HubSpotClient,
  wanted: Map<AssociationKind, string[]>,
): Promise<Result<Map<string, AssociationCounts>, HubSpotError>> {
  const counts = new Map<string, AssociationCounts>();
  for (const [kind, dealIds] of wanted) {
    for (const part of chunk(dealIds, 1000)) {
      const answer = await callHubSpot(() => client.associations.batch.getPage("deals", kind, { inputs: part.map((id) => ({ id })) }));
      if (!answer.ok) return answer;
      for (const id of part) if (!counts.has(id)) counts.set(id, { ...NO_ASSOCIATIONS });
      for (const r of answer.value.results) {
        const entry = counts.get(String(r._from.id));
        if (entry !== undefined) entry[kind] = r.to.length;
      }
    }
  }
  return { ok: true, value: counts };
}
