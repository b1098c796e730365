// HubSpot request signatures (v1 and v3) for outgoing webhook deliveries. Node crypto; simulator-only.
import { createHash, createHmac } from "node:crypto";

const DECODED: Array<[RegExp, string]> = [
  [/%3A/gi, ":"], [/%2F/gi, "/"], [/%3F/gi, "?"], [/%40/gi, "@"], [/%21/gi, "!"], [/%24/gi, "$"],
  [/%27/gi, "'"], [/%28/gi, "("], [/%29/gi, ")"], [/%2A/gi, "*"], [/%2C/gi, ","], [/%3B/gi, ";"],
];

/** The URI as HubSpot signs it: the listed percent-encodings decoded. */
export function decodeSignedUri(uri: string): string {
  return DECODED.reduce((acc, [re, ch]) => acc.replace(re, ch), uri);
}

/** v3: base64(HMAC-SHA256(clientSecret, method + decodedUri + rawBody + timestamp)). */
export function signV3(clientSecret: string, method: string, uri: string, rawBody: string, timestamp: number | string): string {
  return createHmac("sha256", clientSecret).update(`${method}${decodeSignedUri(uri)}${rawBody}${timestamp}`).digest("base64");
}

/** v1: hex(SHA-256(clientSecret + rawBody)) — HubSpot still sends it beside v3 on app webhooks. */
export function signV1(clientSecret: string, rawBody: string): string {
  return createHash("sha256").update(clientSecret + rawBody).digest("hex");
}

/** The headers of a signed delivery, as HubSpot sends them. */
export function signedHeaders(clientSecret: string, method: string, uri: string, rawBody: string, timestamp: number): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nonprod)",
    "x-hubspot-signature": signV1(clientSecret, rawBody),
    "x-hubspot-signature-version": "v1",
    "x-hubspot-signature-v3": signV3(clientSecret, method, uri, rawBody, timestamp),
    "x-hubspot-request-timestamp": String(timestamp),
  };
}
