import { describe, expect, it } from "vitest";
import { callSearch, RAW_ERROR_BODY_HEADER } from "./errors";

const limited = (policyName: string) => ({ code: 429, message: "429", headers: { [RAW_ERROR_BODY_HEADER]: JSON.stringify({ status: "error", message: "limit", policyName }) } });

describe("callSearch", () => {
  it("waits out one SECONDLY 429 (search's per-second limit) and asks again", async () => {
    const waits: number[] = [];
    let calls = 0;
    const answer = await callSearch(async () => {
      calls += 1;
      if (calls === 1) throw limited("SECONDLY");
      return "page";
    }, async (ms) => void waits.push(ms));
    expect([answer, calls, waits]).toEqual([{ ok: true, value: "page" }, 2, [1_100]]);
  });

  it("returns any other 429 (the ten-second window, the daily cap) at once, as a value", async () => {
    let calls = 0;
    const answer = await callSearch(async () => {
      calls += 1;
      throw limited("TEN_SECONDLY_ROLLING");
    }, async () => undefined);
    expect([answer.ok, !answer.ok && answer.error.kind === "rate-limited" && answer.error.policy, calls]).toEqual([false, "TEN_SECONDLY_ROLLING", 1]);
  });
});
