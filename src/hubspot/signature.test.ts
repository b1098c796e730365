import { describe, expect, it } from "vitest";
import vectors from "../../test/fixtures/signature-vectors.json";
import {
  checkSignatureHeaders,
  checkTimestamp,
  computeV1,
  computeV2,
  computeV3,
  decodeSignedUri,
  resolveSignedUrl,
  SIGNATURE_VERSIONS,
  timingSafeEqualText,
  verifySignature,
  type SignatureHeaders,
} from "./signature";

const enc = new TextEncoder();
const secret = vectors.clientSecret;
const noHeaders: SignatureHeaders = { signatureV3: null, signature: null, version: null, timestamp: null };

describe("signature vectors (test/fixtures/signature-vectors.json)", () => {
  it("has vectors of every version", () => {
    expect(new Set(vectors.vectors.map((v) => v.version))).toEqual(new Set(["v1", "v2", "v3"]));
  });

  for (const [i, v] of vectors.vectors.entries()) {
    it(`vector ${i} (${v.version}) computes the published signature and verifies`, async () => {
      const body = enc.encode(v.body);
      const method = "method" in v && typeof v.method === "string" ? v.method : "POST";
      // requestUri is what the Worker sees (still percent-encoded); uri is what HubSpot signed.
      const seenUrl = "requestUri" in v && typeof v.requestUri === "string" ? v.requestUri : ("uri" in v ? v.uri : "") ?? "";
      const timestamp = "timestamp" in v && typeof v.timestamp === "string" ? v.timestamp : null;
      switch (v.version) {
        case "v1":
          expect(await computeV1(secret, body)).toBe(v.signature);
          break;
        case "v2":
          expect(await computeV2(secret, method, seenUrl, body)).toBe(v.signature);
          break;
        case "v3":
          expect(timestamp).not.toBeNull();
          expect(await computeV3(secret, method, seenUrl, body, timestamp ?? "")).toBe(v.signature);
          break;
      }
      const headers: SignatureHeaders =
        v.version === "v3"
          ? { ...noHeaders, signatureV3: v.signature, timestamp }
          : { ...noHeaders, signature: v.signature, version: v.version };
      const now = timestamp === null ? 0 : Number(timestamp) + 1000;
      const check = await verifySignature({ method, url: seenUrl, rawBody: body, headers }, secret, now, SIGNATURE_VERSIONS);
      expect(check).toEqual({ ok: true, version: v.version });
      const wrong = await verifySignature({ method, url: seenUrl, rawBody: enc.encode(`${v.body} `), headers }, secret, now, SIGNATURE_VERSIONS);
      expect(wrong.ok).toBe(false);
    });
  }
});

describe("decodeSignedUri", () => {
  it("decodes exactly the listed escapes, either case, and leaves others", () => {
    expect(decodeSignedUri("https://h/p?a=%3A%2f%3F%40%21%24%27%28%29%2A%2C%3b")).toBe("https://h/p?a=:/?@!$'()*,;");
    expect(decodeSignedUri("https://h/p?a=%20%26%3D%25")).toBe("https://h/p?a=%20%26%3D%25");
  });
});

describe("resolveSignedUrl", () => {
  it("uses the request URL by default", () => {
    expect(resolveSignedUrl("http://127.0.0.1:8787/webhooks/hubspot?x=%3A", undefined)).toBe("http://127.0.0.1:8787/webhooks/hubspot?x=%3A");
  });
  it("takes origin and path from WEBHOOK_PUBLIC_URL and keeps the received query as is", () => {
    expect(resolveSignedUrl("http://internal/webhooks/hubspot?x=%3A", "https://gov.example.com/hooks/hs")).toBe(
      "https://gov.example.com/hooks/hs?x=%3A",
    );
  });
});

describe("checkTimestamp", () => {
  const t = 1_700_000_000_000;
  it("accepts ±5 minutes and refuses beyond, both ways", () => {
    expect(checkTimestamp(String(t), t + 300_000).ok).toBe(true);
    expect(checkTimestamp(String(t), t - 300_000).ok).toBe(true);
    expect(checkTimestamp(String(t), t + 300_001)).toMatchObject({ ok: false, error: { kind: "stale-timestamp" } });
    expect(checkTimestamp(String(t), t - 300_001)).toMatchObject({ ok: false, error: { kind: "stale-timestamp" } });
  });
  it("refuses missing or malformed timestamps", () => {
    for (const bad of [null, "", "abc", "1.5e12", "-1"]) {
      expect(checkTimestamp(bad, t)).toMatchObject({ ok: false, error: { kind: "bad-timestamp" } });
    }
  });
});

describe("verifySignature version selection", () => {
  const body = enc.encode("[]");
  it("refuses a request with no signature headers", async () => {
    const check = await verifySignature({ method: "POST", url: "https://h/p", rawBody: body, headers: noHeaders }, secret, 0);
    expect(check).toMatchObject({ ok: false, error: { kind: "missing-signature" } });
  });
  it("ignores X-HubSpot-Signature unless the version header asks for v1/v2", async () => {
    const sig = await computeV1(secret, body);
    const headers = { ...noHeaders, signature: sig };
    const check = await verifySignature({ method: "POST", url: "https://h/p", rawBody: body, headers }, secret, 0, SIGNATURE_VERSIONS);
    expect(check).toMatchObject({ ok: false, error: { kind: "missing-signature" } });
  });
  it("refuses genuine v1 and v2 signatures unless their version is accepted (v3 only by default)", async () => {
    const v1 = { ...noHeaders, signature: await computeV1(secret, body), version: "v1" };
    const v2 = { ...noHeaders, signature: await computeV2(secret, "POST", "https://h/p", body), version: "v2" };
    for (const headers of [v1, v2]) {
      const req = { method: "POST", url: "https://h/p", rawBody: body, headers };
      expect(await verifySignature(req, secret, 0)).toMatchObject({ ok: false, error: { kind: "version-disabled" } });
      expect(checkSignatureHeaders(headers, 0)).toMatchObject({ kind: "version-disabled" });
      expect(await verifySignature(req, secret, 0, ["v3", headers.version === "v1" ? "v2" : "v1"])).toMatchObject({ ok: false });
      expect(await verifySignature(req, secret, 0, [headers.version === "v1" ? "v1" : "v2"])).toEqual({ ok: true, version: headers.version });
    }
  });
  it("with v3 disabled, a v3-only request is refused as a disabled version, not as unsigned", async () => {
    const headers = { ...noHeaders, signatureV3: await computeV3(secret, "POST", "https://h/p", body, "1000"), timestamp: "1000" };
    expect(await verifySignature({ method: "POST", url: "https://h/p", rawBody: body, headers }, secret, 1000, ["v2"])).toMatchObject({
      ok: false,
      error: { kind: "version-disabled" },
    });
  });
  it("prefers v3 when present, even if a valid v1 is also sent", async () => {
    const headers = { ...noHeaders, signature: await computeV1(secret, body), version: "v1", signatureV3: "bogus", timestamp: "1000" };
    const check = await verifySignature({ method: "POST", url: "https://h/p", rawBody: body, headers }, secret, 1000, SIGNATURE_VERSIONS);
    expect(check).toMatchObject({ ok: false, error: { kind: "mismatch" } });
  });
});

describe("timingSafeEqualText", () => {
  it("is equality", () => {
    expect(timingSafeEqualText("abc", "abc")).toBe(true);
    expect(timingSafeEqualText("abc", "abd")).toBe(false);
    expect(timingSafeEqualText("abc", "ab")).toBe(false);
    expect(timingSafeEqualText("abc", "")).toBe(false);
    expect(timingSafeEqualText("", "")).toBe(true);
  });
});
