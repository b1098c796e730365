// The association log (ground truth for the oracle; HubSpot keeps no association history) and the ordering of an
// association change after the deal's previous write: a move and an association made one after the other never share
// a millisecond, so "associated before or after the move" has one answer.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPortal, savePortal } from "./persist";
import { Portal } from "./portal";

const identity = { portalId: 5, accessToken: "t", appId: 1, clientSecret: "s" };
const rep = { sourceType: "CRM_UI", sourceId: "userId:1", updatedByUserId: 1 };

function frozenPortal(): Portal {
  // A clock that never moves: every write would share one millisecond without the store's ordering.
  return new Portal(identity, 3, () => 1_700_000_000_000);
}

describe("association log and ordering", () => {
  it("stamps an association after the deal's last write and logs adds, removes and merges", () => {
    const portal = frozenPortal();
    const s = portal.store;
    const deal = s.create("deals", { dealname: "A", dealstage: "appointmentscheduled" }, rep);
    const other = s.create("deals", { dealname: "B", dealstage: "appointmentscheduled" }, rep);
    const contact = s.create("contacts", { email: "a@example.com" }, rep);
    const company = s.create("companies", { name: "Acme" }, rep);
    if (!deal.ok || !other.ok || !contact.ok || !company.ok) throw new Error("create failed");
    const moved = s.update("deals", deal.value.id, { dealstage: "qualifiedtobuy" }, rep);
    if (!moved.ok) throw new Error("update failed");
    const movedAt = moved.value.obj.history.dealstage?.at(-1)?.timestamp ?? 0;
    s.associate(deal.value.id, "contacts", contact.value.id, rep);
    s.associate(deal.value.id, "contacts", contact.value.id, rep, true);
    s.associate(other.value.id, "companies", company.value.id, rep);
    s.merge(deal.value.id, other.value.id, rep);
    const log = s.associationLog.get(deal.value.id) ?? [];
    expect(log.map((e) => [e.toType, e.removed, e.via ?? "event"])).toEqual([["contacts", false, "event"], ["contacts", true, "event"], ["companies", false, "merge"]]);
    expect(log[0]?.at).toBeGreaterThan(movedAt);
    expect(log[1]?.at).toBeGreaterThan(log[0]?.at ?? Infinity);
    const after = s.update("deals", deal.value.id, { dealstage: "presentationscheduled" }, rep);
    expect(after.ok && (after.value.obj.history.dealstage?.at(-1)?.timestamp ?? 0)).toBeGreaterThan(log[1]?.at ?? Infinity);
  });

  it("survives a restart", () => {
    const file = join(mkdtempSync(join(tmpdir(), "sim-assoc-log-")), "portal.json");
    const portal = frozenPortal();
    const deal = portal.store.create("deals", { dealname: "A", dealstage: "appointmentscheduled" }, rep);
    const contact = portal.store.create("contacts", { email: "a@example.com" }, rep);
    if (!deal.ok || !contact.ok) throw new Error("create failed");
    portal.store.associate(deal.value.id, "contacts", contact.value.id, rep);
    savePortal(portal, file);
    const restored = frozenPortal();
    loadPortal(restored, file);
    expect(restored.store.associationLog.get(deal.value.id)).toEqual(portal.store.associationLog.get(deal.value.id));
  });
});
