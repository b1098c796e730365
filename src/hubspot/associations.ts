// Deals' associations (contacts, companies, line items): one v4 batch read per kind per ≤1000 deals, for the
// association timeline's first-seen snapshot (HubSpot keeps no association history; see enforcement/read-associations.ts).
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
