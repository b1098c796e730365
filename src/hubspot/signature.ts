// HubSpot request signatures (v1, v2, v3) with WebCrypto only, so the same code runs in workerd and Node 20.
// Pure apart from hashing: the clock comes in as `now`. Never throws; failures are values.

export const SIGNATURE_MAX_SKEW_MS = 5 * 60 * 1000;

export type SignatureVersion = "v1" | "v2" | "v3";
export const SIGNATURE_VERSIONS: readonly SignatureVersion[] = ["v1", "v2", "v3"];

/**
 * Only v3 unless configured otherwise. v3 signs a timestamp, so a captured request is refused after 5 minutes; v2
 * signs method + URI + body with no timestamp and v1 the body alone, so either can be replayed forever (v1 even
 * to another URL of the same app).
 */
export const DEFAULT_SIGNATURE_VERSIONS: readonly SignatureVersion[] = ["v3"];

export interface SignatureHeaders {
  /** X-HubSpot-Signature-v3 */
  signatureV3: string | null;
  /** X-HubSpot-Signature (v1 or v2 digest) */
  signature: string | null;
  /** X-HubSpot-Signature-Version */
  version: string | null;
  /** X-HubSpot-Request-Timestamp (epoch ms) */
  timestamp: string | null;
}

export interface SignedRequest {
  method: string;
  /** The full URL HubSpot called (scheme, host, path, query), before decoding. */
  url: string;
  rawBody: Uint8Array;
  headers: SignatureHeaders;
}

export type SignatureFailure =
  | { kind: "missing-signature"; message: string }
  | { kind: "bad-timestamp"; message: string }
  | { kind: "stale-timestamp"; message: string }
  | { kind: "version-disabled"; message: string }
  | { kind: "mismatch"; message: string };

export type SignatureCheck = { ok: true; version: SignatureVersion } | { ok: false; error: SignatureFailure };

const encoder = new TextEncoder();

// HubSpot decodes exactly these before signing v3 (REFERENCE.md §2); everything else stays encoded.
const DECODED: Record<string, string> = {
  "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$",
  "%27": "'", "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";",
};
const DECODE_PATTERN = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/** The URI as HubSpot puts it into the v3 signed string. */
export function decodeSignedUri(uri: string): string {
  return uri.replace(DECODE_PATTERN, (m) => DECODED[m.toUpperCase()] ?? m);
}

/**
 * The URL to sign: the request URL, or — behind a proxy/custom domain — the configured public URL's
 * origin and path with the request's query string.
 */
export function resolveSignedUrl(requestUrl: string, publicUrl: string | undefined): string {
  if (!publicUrl) return requestUrl;
  const base = new URL(publicUrl);
  const queryStart = requestUrl.indexOf("?");
  // Keep the query exactly as received: URL parsing would re-encode it.
  const query = queryStart === -1 ? "" : requestUrl.slice(queryStart);
  return `${base.origin}${base.pathname}${query}`;
}

/**
 * Verifies a request against the `accepted` versions. v3 is used whenever its header is present and accepted;
 * otherwise v1/v2 when X-HubSpot-Signature-Version asks for one that is accepted. v3 timestamps must be within
 * ±5 minutes of `now`.
 */
export async function verifySignature(
  req: SignedRequest,
  clientSecret: string,
  now: number,
  accepted: readonly SignatureVersion[] = DEFAULT_SIGNATURE_VERSIONS,
): Promise<SignatureCheck> {
  const { headers } = req;
  const chosen = chooseVersion(headers, now, accepted);
  if (!chosen.ok) return chosen;
  if (chosen.version === "v3") return verifyV3(req, clientSecret, now);
  const version = chosen.version;
  const expected = version === "v1" ? await computeV1(clientSecret, req.rawBody) : await computeV2(clientSecret, req.method, req.url, req.rawBody);
  if (!timingSafeEqualText(expected, (headers.signature ?? "").trim().toLowerCase())) {
    return fail("mismatch", `${version} signature does not match`);
  }
  return { ok: true, version };
}

/**
 * The checks that need no body: a usable signature header of an accepted version and, for v3, a fresh timestamp.
 * Lets the ingress refuse unsigned, stale or disabled-version requests before reading a byte of the body. Returns
 * null when they pass.
 */
export function checkSignatureHeaders(
  headers: SignatureHeaders,
  now: number,
  accepted: readonly SignatureVersion[] = DEFAULT_SIGNATURE_VERSIONS,
): SignatureFailure | null {
  const chosen = chooseVersion(headers, now, accepted);
  return chosen.ok ? null : chosen.error;
}

function chooseVersion(
  headers: SignatureHeaders,
  now: number,
  accepted: readonly SignatureVersion[],
): { ok: true; version: SignatureVersion } | { ok: false; error: SignatureFailure } {
  if (headers.signatureV3 !== null && accepted.includes("v3")) {
    const stamp = checkTimestamp(headers.timestamp, now);
    return stamp.ok ? { ok: true, version: "v3" } : stamp;
  }
  const legacy = headers.version?.trim().toLowerCase() ?? null;
  if (headers.signature !== null && (legacy === "v1" || legacy === "v2")) {
    if (accepted.includes(legacy)) return { ok: true, version: legacy };
    return fail("version-disabled", `${legacy} signatures are not accepted (no timestamp: replayable); HUBSPOT_SIGNATURE_VERSIONS enables them`);
  }
  if (headers.signatureV3 !== null) {
    return fail("version-disabled", "v3 signatures are not accepted here (HUBSPOT_SIGNATURE_VERSIONS leaves them out)");
  }
  return fail("missing-signature", "missing X-HubSpot-Signature-v3 (or X-HubSpot-Signature with version v1/v2)");
}

async function verifyV3(req: SignedRequest, clientSecret: string, now: number): Promise<SignatureCheck> {
  const stamp = checkTimestamp(req.headers.timestamp, now);
  if (!stamp.ok) return stamp;
  const expected = await computeV3(clientSecret, req.method, req.url, req.rawBody, stamp.value);
  if (!timingSafeEqualText(expected, (req.headers.signatureV3 ?? "").trim())) {
    return fail("mismatch", "v3 signature does not match");
  }
  return { ok: true, version: "v3" };
}

/** Checks the v3 timestamp header: digits, within ±5 minutes. Returns it as sent (it is signed as text). */
export function checkTimestamp(
  timestamp: string | null,
  now: number,
): { ok: true; value: string } | { ok: false; error: SignatureFailure } {
  if (timestamp === null || !/^\d{1,16}$/.test(timestamp.trim())) {
    return fail("bad-timestamp", "missing or malformed X-HubSpot-Request-Timestamp");
  }
  const value = timestamp.trim();
  const skew = now - Number(value);
  if (skew > SIGNATURE_MAX_SKEW_MS) return fail("stale-timestamp", "X-HubSpot-Request-Timestamp is more than 5 minutes old");
  if (skew < -SIGNATURE_MAX_SKEW_MS) return fail("stale-timestamp", "X-HubSpot-Request-Timestamp is more than 5 minutes ahead");
  return { ok: true, value };
}

/** hex(sha256(clientSecret + rawBody)) */
export async function computeV1(clientSecret: string, rawBody: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", concatBytes(encoder.encode(clientSecret), rawBody)));
}

/** hex(sha256(clientSecret + method + uri + rawBody)); the URI is used as given (v2 does no decoding). */
export async function computeV2(clientSecret: string, method: string, uri: string, rawBody: Uint8Array): Promise<string> {
  const head = encoder.encode(clientSecret + method.toUpperCase() + uri);
  return toHex(await crypto.subtle.digest("SHA-256", concatBytes(head, rawBody)));
}

/** base64(hmacSha256(clientSecret, method + decodedUri + rawBody + timestamp)) */
export async function computeV3(
  clientSecret: string,
  method: string,
  uri: string,
  rawBody: Uint8Array,
  timestamp: string,
): Promise<string> {
  const key = await importHmacKey(clientSecret);
  const message = concatBytes(encoder.encode(method.toUpperCase() + decodeSignedUri(uri)), rawBody, encoder.encode(timestamp));
  return toBase64(await crypto.subtle.sign("HMAC", key, message));
}

// Importing the key is the costliest step; webhooks always use the same secret, so keep a few per isolate.
const keyCache = new Map<string, Promise<CryptoKey>>();
function importHmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    if (keyCache.size > 8) keyCache.clear();
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keyCache.set(secret, key);
  }
  return key;
}

/** Compares two strings without an early exit, so timing doesn't reveal how much of a guess was right. */
export function timingSafeEqualText(expected: string, actual: string): boolean {
  const a = encoder.encode(expected);
  const b = encoder.encode(actual);
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i % Math.max(b.length, 1)] ?? 0);
  return diff === 0;
}

function fail(kind: SignatureFailure["kind"], message: string): { ok: false; error: SignatureFailure } {
  return { ok: false, error: { kind, message } };
}

function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function toHex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}

function toBase64(buf: ArrayBuffer): string {
  let binary = "";
  for (const b of new Uint8Array(buf)) binary += String.fromCharCode(b);
  return btoa(binary);
}
