// npm start's options: ports from flags or env (flags win), clear usage errors as values.
import { describe, expect, it } from "vitest";
import { parseStartOptions } from "./options";

describe("parseStartOptions", () => {
  it("defaults to 8787 and 8799", () => {
    const parsed = parseStartOptions([], {});
    expect(parsed).toMatchObject({ kind: "run", options: { enginePort: 8787, simPort: 8799, fresh: false, quiet: false } });
  });
  it("takes ENGINE_PORT and SIM_PORT, and the flags over them", () => {
    expect(parseStartOptions([], { ENGINE_PORT: "9001", SIM_PORT: "9002" })).toMatchObject({ options: { enginePort: 9001, simPort: 9002 } });
    expect(parseStartOptions(["--port", "9101", "--sim-port", "9102"], { ENGINE_PORT: "9001", SIM_PORT: "9002" })).toMatchObject({ options: { enginePort: 9101, simPort: 9102 } });
  });
  it("names the source of a bad port", () => {
    expect(parseStartOptions([], { ENGINE_PORT: "eighty" })).toEqual({ kind: "error", message: 'ENGINE_PORT must be a port number (1-65535), not "eighty"' });
    expect(parseStartOptions(["--sim-port", "70000"], {})).toEqual({ kind: "error", message: '--sim-port must be a port number (1-65535), not "70000"' });
    expect(parseStartOptions(["--port", "9000", "--sim-port", "9000"], {})).toMatchObject({ kind: "error", message: expect.stringContaining("share port 9000") });
  });
  it("answers --help and rejects unknown flags", () => {
    expect(parseStartOptions(["--help"], {})).toEqual({ kind: "help" });
    expect(parseStartOptions(["--prot", "1"], {})).toMatchObject({ kind: "error", message: expect.stringContaining("--prot") });
    expect(parseStartOptions(["--speed", "0"], {})).toMatchObject({ kind: "error", message: expect.stringContaining("--speed") });
  });
});
