// Deal fixtures for enforcement tests: a deal created by its owner in the simulator, webhooks drained.
import type { Harness } from "./harness";

export async function dealIn(h: Harness, stage: string, props: Record<string, string> = {}, ownerIndex = 1) {
  const owner = h.seed.owners[ownerIndex];
  if (owner === undefined) throw new Error("no owner");
  const deal = await h.portal.createDeal({
    properties: { dealname: "Globex", pipeline: "default", dealstage: stage, hubspot_owner_id: owner.id, ...props },
    as: { kind: "user", ownerId: owner.id },
  });
  await h.drain();
  return { deal, owner };
}
