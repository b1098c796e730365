import { describe, expect, it } from "vitest";
import { resolveD1Target, resolveTarget } from "./target";

describe("ops targets", () => {
  it("a HubSpot command with --remote says which credential is missing", () => {
    expect(resolveTarget({ remote: true }, {})).toMatch(/HUBSPOT_ACCESS_TOKEN/);
    expect(resolveTarget({ remote: true, token: "pat-1" }, {})).toMatch(/HUBSPOT_APP_ID/);
    const ok = resolveTarget({ remote: true, token: "pat-1" }, { HUBSPOT_APP_ID: "42" });
    expect(typeof ok === "string" ? ok : [ok.d1, ok.hubspot.HUBSPOT_BASE_URL]).toEqual([{ remote: true }, "https://api.hubapi.com"]);
  });

  it("a database-only command needs no HubSpot credentials, local or remote", () => {
    expect(resolveD1Target({ remote: true })).toEqual({ d1: { remote: true }, describe: "deployed database" });
    expect(resolveD1Target({ remote: false, persistTo: "/tmp/x" })).toEqual({ d1: { remote: false, persistTo: "/tmp/x" }, describe: "local database in /tmp/x" });
  });
});
