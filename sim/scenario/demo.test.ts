// The demo scenario is deterministic for a seed and plays both compliant moves and every violation kind.
import { describe, expect, it } from "vitest";
import { Portal } from "../portal/portal";
import { createScenarioState, playDemoStep, prepareDemoPortal } from "./demo";
import type { MoveKind } from "./moves";

const SIM_START = Date.parse("2026-09-01T09:00:00Z");

function play(seed: number, steps: number) {
  let clock = SIM_START;
  const portal = new Portal({ portalId: 1, accessToken: "t", appId: 1, clientSecret: "s" }, seed, () => (clock += 1000));
  portal.applyKnobs({ webhook: { enabled: false } });
  prepareDemoPortal(portal);
  const state = createScenarioState(seed, SIM_START);
  const moves = Array.from({ length: steps }, (_, i) => playDemoStep(portal, state, SIM_START + i * 6 * 3_600_000));
  const deals = portal.store.list("deals", true).map((d) => ({ id: d.id, properties: d.properties }));
  return { moves, deals, portal };
}

describe("demo scenario", () => {
  it("replays identically for the same seed and differs for another", () => {
    const a = play(7, 200);
    const b = play(7, 200);
    expect(b.moves).toEqual(a.moves);
    expect(b.deals).toEqual(a.deals);
    expect(play(8, 200).moves).not.toEqual(a.moves);
  });

  it("is mostly compliant yet produces every violation kind", () => {
    const { moves } = play(42, 400);
    const count = (k: MoveKind) => moves.filter((m) => m.kind === k).length;
    for (const kind of ["skip-stages", "late-stage-missing-fields", "backward", "push-close-date", "import-change", "workflow-change"] as const) {
      expect(count(kind), kind).toBeGreaterThan(0);
    }
    expect(count("progress") + count("create") + count("close-won") + count("close-lost")).toBeGreaterThan(moves.length / 2);
  });

  it("records who changed what: users, imports and workflows in property history", () => {
    const { portal } = play(42, 300);
    const sources = new Set(portal.store.list("deals", true).flatMap((d) => (d.history.dealstage ?? []).map((h) => h.sourceType)));
    expect([...sources].sort()).toEqual(expect.arrayContaining(["CRM_UI", "IMPORT", "WORKFLOW"]));
  });

  it("pushes a slipping deal's close date again and again", () => {
    const { moves, portal } = play(42, 400);
    const pushed = moves.filter((m) => m.kind === "push-close-date").map((m) => m.dealId);
    const most = Math.max(...pushed.map((id) => pushed.filter((x) => x === id).length));
    expect(most).toBeGreaterThan(1);
    const id = pushed.find((x) => pushed.filter((y) => y === x).length === most) ?? "";
    const history = portal.store.get("deals", id, true)?.history.closedate ?? [];
    expect(history.length).toBeGreaterThan(most - 1);
  });
});

describe("demo scenario with HubSpot's native rule on (the live phase)", () => {
  it("shows both enforcement points: UI skips refused before the save, workflow skips saved for the engine", async () => {
    const { enableDemoNativeRules } = await import("./native-rules");
    let clock = SIM_START;
    const portal = new Portal({ portalId: 1, accessToken: "t", appId: 1, clientSecret: "s" }, 42, () => (clock += 1000));
    portal.applyKnobs({ webhook: { enabled: false } });
    prepareDemoPortal(portal);
    enableDemoNativeRules(portal);
    const state = createScenarioState(42, SIM_START);
    const moves = Array.from({ length: 400 }, (_, i) => playDemoStep(portal, state, SIM_START + i * 6 * 3_600_000));
    const refusedThenPushed = moves.filter((m) => m.kind === "skip-stages" && m.refused === "NO_SKIPPING_STAGES" && m.dealId !== null);
    expect(refusedThenPushed.length).toBeGreaterThan(0);
    // Only people in HubSpot's tools are refused; workflows and imports are never stopped.
    expect(portal.native.refusals.every((r) => r.sourceType === "CRM_UI" || r.sourceType === "CRM_UI_BULK_ACTION")).toBe(true);
    const pushed = refusedThenPushed[0];
    const history = portal.store.get("deals", pushed?.dealId ?? "", true)?.history.dealstage ?? [];
    expect(history.find((h) => h.value === pushed?.toStage)?.sourceType).toBe("WORKFLOW");
  });
});
