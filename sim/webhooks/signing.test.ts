// The simulator signs like HubSpot: the shared vectors, the engine's verifier, and the official SDK's helper agree.
import { Signature } from "@hubspot/api-client";
import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { verifySignature } from "../../src/hubspot/signature";
import { SimClient } from "../client";
import { signV1, signV3 } from "./signing";

interface Vector { version: string; method?: string; uri?: string; requestUri?: string; body: string; timestamp?: string; signature: string }
const vectors = JSON.parse(readFileSync("/work/shared/hubspot/signature-vectors.json", "utf8")) as { clientSecret: string; vectors: Vector[] };

describe("signing", () => {
  it("matches the shared v1 and v3 vectors (v3 decodes %3A in the requested URI)", () => {
    const v3 = vectors.vectors.filter((v) => v.version === "v3");
    expect(v3.length).toBeGreaterThanOrEqual(2);
    for (const v of v3) expect(signV3(vectors.clientSecret, v.method ?? "POST", v.requestUri ?? v.uri ?? "", v.body, v.timestamp ?? "")).toBe(v.signature);
    const v1 = vectors.vectors.find((v) => v.version === "v1");
    expect(v1 && signV1(vectors.clientSecret, v1.body)).toBe(v1?.signature);
  });

  it("signs outbox deliveries so the engine's verifier and the SDK's Signature.isValid accept them", async () => {
    const portal = await new SimClient(inject("simUrl")).createPortal({ webhook: { mode: "outbox", url: "https://engine.example/webhooks/hubspot?portal=1&cb=a%3Ab" } });
    await portal.seed({});
    await portal.createDeal({ properties: { dealname: "Signed", dealstage: "appointmentscheduled" } });
    const [delivery] = await portal.takeDeliveries();
    if (!delivery) throw new Error("no delivery");
    const h = delivery.headers;
    const now = Number(h["x-hubspot-request-timestamp"]);
    const check = await verifySignature({
      method: "POST", url: delivery.url, rawBody: new TextEncoder().encode(delivery.body),
      headers: { signatureV3: h["x-hubspot-signature-v3"] ?? null, signature: h["x-hubspot-signature"] ?? null, version: h["x-hubspot-signature-version"] ?? null, timestamp: h["x-hubspot-request-timestamp"] ?? null },
    }, portal.info.clientSecret, now);
    expect(check).toEqual({ ok: true, version: "v3" });
    const tampered = await verifySignature({
      method: "POST", url: delivery.url, rawBody: new TextEncoder().encode(delivery.body.replace("Signed", "signed")),
      headers: { signatureV3: h["x-hubspot-signature-v3"] ?? null, signature: null, version: null, timestamp: h["x-hubspot-request-timestamp"] ?? null },
    }, portal.info.clientSecret, now);
    expect(tampered.ok).toBe(false);
    // The SDK doesn't decode the URI, so it needs the decoded form (REFERENCE.md §2).
    const sdkOk = Signature.isValid({ signatureVersion: "v3", signature: h["x-hubspot-signature-v3"] ?? "", method: "POST", clientSecret: portal.info.clientSecret, requestBody: delivery.body, url: delivery.url.replace("%3A", ":"), timestamp: now });
    expect(sdkOk).toBe(true);
    expect(Signature.isValid({ signatureVersion: "v1", signature: h["x-hubspot-signature"] ?? "", clientSecret: portal.info.clientSecret, requestBody: delivery.body })).toBe(true);
  });
});
