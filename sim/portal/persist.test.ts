// A persisted portal comes back with its deals, history, associations, owners and id counters.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPortal, savePortal } from "./persist";
import { Portal } from "./portal";
import { seedPortal } from "./seed";

const identity = { portalId: 5, accessToken: "t", appId: 1, clientSecret: "s" };

describe("persistence", () => {
  it("round-trips a seeded portal through a file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "sim-persist-")), "portal.json");
    const original = new Portal(identity, 3);
    seedPortal(original, { deals: 8 });
    savePortal(original, file);
    const restored = new Portal(identity, 3);
    expect(loadPortal(restored, file)).toBe(true);
    const pick = (p: Portal) => p.store.list("deals").map((d) => ({ id: d.id, properties: d.properties, history: d.history, contacts: p.store.associatedIds(d.id, "contacts") }));
    expect(pick(restored)).toEqual(pick(original));
    expect(restored.store.owners).toEqual(original.store.owners);
    const next = restored.store.create("deals", { dealname: "After restart", dealstage: "appointmentscheduled" }, { sourceType: "CRM_UI" });
    expect(next.ok && original.store.get("deals", next.value.id)).toBeUndefined();
  });

  it("reports a missing file as nothing loaded", () => {
    expect(loadPortal(new Portal(identity, 3), join(tmpdir(), "definitely-missing-sim.json"))).toBe(false);
  });
});
