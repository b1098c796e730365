// Team names or ids for a manager's token, checked against the cached teams.
import { describe, expect, it } from "vitest";
import { resolveTeams } from "./teams";

const known = [{ id: "team-east", name: "East" }, { id: "team-west", name: "West" }, { id: "42", name: null }];

describe("resolveTeams", () => {
  it("accepts names (any case) and ids, and stores ids once", () => {
    expect(resolveTeams(["east", "team-west", "East", "42"], known)).toEqual({ ok: true, ids: ["team-east", "team-west", "42"], unchecked: false });
  });
  it("refuses an unknown team, suggesting the nearest and listing the known ones", () => {
    expect(resolveTeams(["Eest"], known)).toEqual({ ok: false, error: '--teams: no team "Eest" (did you mean "East"?); known teams: East (team-east), West (team-west), 42' });
  });
  it("takes entries as ids, unchecked, before the engine has cached any team", () => {
    expect(resolveTeams(["team-north"], [])).toEqual({ ok: true, ids: ["team-north"], unchecked: true });
  });
});
