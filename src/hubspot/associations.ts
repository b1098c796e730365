// Deals' associations (contacts, companies, line items): one v4 batch read per kind per ≤1000 deals — the ids for the
// association timeline's first-seen snapshot (HubSpot keeps no association history; see enforcement/read-associations.ts),
// the current counts for the rule scan and the back-test, which judge deals as they are now.
import type { AssociationKind } from "../policy";
import { chunk } from "../chunk";
import type { HubSpotClient } from "./client";
import { callHubSpot, type HubSpotError, type Result } from "./errors";

export type AssociationCounts = { contacts: number; companies: number; line_items: number };

export const NO_ASSOCIATIONS: AssociationCounts = { contacts: 0, companies: 0, line_items: 0 };

/** The ids associated to each listed deal, for one kind (a first-seen snapshot for the association timeline). */
export async function listAssociatedIds(client: HubSpotClient, kind: AssociationKind, dealIds: string[]): Promise<Result<Map<string, string[]>, HubSpotError>> {
  const out = new Map<string, string[]>(dealIds.map((id) => [id, []]));
  for (const part of chunk(dealIds, 1000)) {
    const answer = await callHubSpot(() => client.associations.batch.getPage("deals", kind, { inputs: part.map((id) => ({ id })) }));
    if (!answer.ok) return answer;
    for (const r of answer.value.results) out.set(String(r._from.id), r.to.map((t) => String(t.toObjectId)));
  }
  return { ok: true, value: out };
}

/** Counts, per kind, the associations of the listed deals now (deals not listed for a kind count 0). */
export async function countAssociations(client: HubSpotClient, wanted: Map<AssociationKind, string[]>): Promise<Result<Map<string, AssociationCounts>, HubSpotError>> {
  const counts = new Map<string, AssociationCounts>();
  for (const [kind, dealIds] of wanted) {
    const ids = await listAssociatedIds(client, kind, dealIds);
    if (!ids.ok) return ids;
    for (const [dealId, to] of ids.value) counts.set(dealId, { ...(counts.get(dealId) ?? NO_ASSOCIATIONS), [kind]: to.length });
  }
  return { ok: true, value: counts };
}
