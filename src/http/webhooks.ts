// POST /webhooks/hubspot: the ingress. Verifies the signature, parses, screens each event, enqueues the valid ones
// in chunks, answers 200. It writes to D1 only to record refused events, and never answers 5xx for anything a
// client sends.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { checkSignatureHeaders, resolveSignedUrl, verifySignature, type SignatureFailure, type SignatureHeaders } from "../hubspot/signature";
import { MAX_WEBHOOK_BODY_BYTES, readBodyWithLimit } from "./body-limit";
import { enqueueEvents } from "./enqueue-events";
import { rejectOtherMethods } from "./method-not-allowed";
import { recordRefusals } from "./record-refusals";
import { requireConfig } from "./require-config";
import { MAX_EVENTS_PER_DELIVERY, screenEvents, type Refusal } from "./screen-events";

export const WEBHOOK_PATH = "/webhooks/hubspot";

// An answer lists at most this many refusals (the table holds them all): a 1 MiB body of junk stays a short answer.
const MAX_LISTED_REFUSALS = 20;

export function webhookRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.post(WEBHOOK_PATH, requireConfig(), async function receiveWebhook(c) {
    const config = c.get("config");
    const versions = config.HUBSPOT_SIGNATURE_VERSIONS;
    const now = Date.now();
    const headers: SignatureHeaders = {
      signatureV3: c.req.header("x-hubspot-signature-v3") ?? null,
      signature: c.req.header("x-hubspot-signature") ?? null,
      version: c.req.header("x-hubspot-signature-version") ?? null,
      timestamp: c.req.header("x-hubspot-request-timestamp") ?? null,
    };
    // Unsigned, stale or disabled-version requests are refused before their body is read.
    const precheck = checkSignatureHeaders(headers, now, versions);
    if (precheck !== null) throw signatureError(precheck);
    const body = await readBodyWithLimit(c.req.raw, MAX_WEBHOOK_BODY_BYTES);
    if (!body.ok) {
      if (body.reason === "bad-length") throw new AppError("BAD_REQUEST", "Content-Length is not a number");
      if (body.reason === "aborted") throw new AppError("BAD_REQUEST", "the request body could not be read");
      throw new AppError("PAYLOAD_TOO_LARGE", `body exceeds ${MAX_WEBHOOK_BODY_BYTES} bytes`);
    }
    const url = resolveSignedUrl(c.req.url, config.WEBHOOK_PUBLIC_URL);
    const check = await verifySignature({ method: c.req.method, url, rawBody: body.bytes, headers }, config.HUBSPOT_CLIENT_SECRET, now, versions);
    if (!check.ok) throw signatureError(check.error);

    const json = parseJson(body.bytes);
    if (!json.ok) throw new AppError("INVALID_JSON", "body is not valid JSON");
    if (!Array.isArray(json.value)) {
      throw new AppError("INVALID_EVENTS", "not an array of HubSpot events: (body) must be a JSON array", { field: "(body)" });
    }
    if (json.value.length > MAX_EVENTS_PER_DELIVERY) {
      throw new AppError("INVALID_EVENTS", `a delivery holds at most ${MAX_EVENTS_PER_DELIVERY} events (HubSpot sends fewer than 100)`, { field: "(body)" });
    }
    const { accepted: events, refused } = screenEvents(json.value, body.bytes.byteLength);
    if (refused.length > 0) {
      try {
        await recordRefusals(c.env.DB, refused, now);
      } catch (err) {
        console.error("could not record refused events", err);
        // Valid events came with them: 503 so HubSpot retries the delivery and the refusals get recorded then.
        if (events.length > 0) throw new AppError("UNAVAILABLE", "could not record the refused events; retry later");
      }
      // Nothing valid to keep: refuse the delivery (HubSpot's retries of it are counted on the same rows).
      if (events.length === 0) throw refusalError(refused);
    }

    let enqueued;
    try {
      enqueued = await enqueueEvents(c.env.EVENTS, events, now, body.bytes.byteLength);
    } catch (err) {
      // Our outage, not the client's fault: 503 makes HubSpot retry later instead of losing the batch.
      console.error("enqueue failed", err);
      throw new AppError("UNAVAILABLE", "could not queue events; retry later");
    }
    if (!enqueued.ok) {
      throw new AppError("PAYLOAD_TOO_LARGE", `event [${enqueued.index}] is larger than a queue message allows`);
    }
    if (refused.length === 0) return c.json({ ok: true, received: events.length });
    // 2xx although some events were refused: HubSpot retries a whole delivery on any 4xx, so a 400 would hold the
    // valid events back for a day and then drop them, while the refused ones would fail the same way every time.
    return c.json({ ok: true, received: events.length, refused: listRefusals(refused), refusedCount: refused.length });
  });
  routes.all(WEBHOOK_PATH, rejectOtherMethods(["POST"]));
  return routes;
}

function listRefusals(refused: readonly Refusal[]) {
  return refused.slice(0, MAX_LISTED_REFUSALS).map(({ index, code, field, message }) => ({ index, code, field, message }));
}

/** A delivery whose every event was refused: the common code if they agree, else INVALID_EVENTS; all listed. */
function refusalError(refused: readonly Refusal[]): AppError {
  const first = refused[0];
  const code = first && refused.every((r) => r.code === first.code) ? first.code : "INVALID_EVENTS";
  const more = refused.length > 1 ? ` (and ${refused.length - 1} more)` : "";
  const message = `no event of this delivery was accepted: ${first?.message ?? "invalid"}${more}`;
  return new AppError(code, message, { field: first?.field ?? "(body)", refused: listRefusals(refused), refusedCount: refused.length });
}

function signatureError(failure: SignatureFailure): AppError {
  switch (failure.kind) {
    case "missing-signature":
      return new AppError("UNAUTHORIZED", failure.message);
    case "bad-timestamp":
    case "stale-timestamp":
      return new AppError("STALE_TIMESTAMP", failure.message);
    case "version-disabled":
      return new AppError("SIGNATURE_VERSION_DISABLED", failure.message);
    case "mismatch":
      return new AppError("INVALID_SIGNATURE", failure.message);
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(decoder.decode(bytes)) };
  } catch {
    return { ok: false };
  }
}
