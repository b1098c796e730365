// POST /webhooks/hubspot: the ingress. Verifies the signature, parses, enqueues in chunks, answers 200 —
// nothing else. It never writes to D1 (storage and dedupe happen in the queue consumer) and never answers 5xx
// for anything a client sends.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { parseDelivery } from "../hubspot/events";
import {
  checkSignatureHeaders,
  resolveSignedUrl,
  verifySignature,
  type SignatureFailure,
  type SignatureHeaders,
} from "../hubspot/signature";
import { MAX_WEBHOOK_BODY_BYTES, readBodyWithLimit } from "./body-limit";
import { enqueueEvents } from "./enqueue-events";
import { rejectOtherMethods } from "./method-not-allowed";
import { requireConfig } from "./require-config";

export const WEBHOOK_PATH = "/webhooks/hubspot";

export function webhookRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.post(WEBHOOK_PATH, requireConfig(), async function receiveWebhook(c) {
    const config = c.get("config");
    const now = Date.now();
    const headers: SignatureHeaders = {
      signatureV3: c.req.header("x-hubspot-signature-v3") ?? null,
      signature: c.req.header("x-hubspot-signature") ?? null,
      version: c.req.header("x-hubspot-signature-version") ?? null,
      timestamp: c.req.header("x-hubspot-request-timestamp") ?? null,
    };
    // Unsigned or stale requests are refused before their body is read.
    const precheck = checkSignatureHeaders(headers, now);
    if (precheck !== null) throw signatureError(precheck);
    const body = await readBodyWithLimit(c.req.raw, MAX_WEBHOOK_BODY_BYTES);
    if (!body.ok) {
      if (body.reason === "bad-length") throw new AppError("BAD_REQUEST", "Content-Length is not a number");
      if (body.reason === "aborted") throw new AppError("BAD_REQUEST", "the request body could not be read");
      throw new AppError("PAYLOAD_TOO_LARGE", `body exceeds ${MAX_WEBHOOK_BODY_BYTES} bytes`);
    }
    const url = resolveSignedUrl(c.req.url, config.WEBHOOK_PUBLIC_URL);
    const check = await verifySignature({ method: c.req.method, url, rawBody: body.bytes, headers }, config.HUBSPOT_CLIENT_SECRET, now);
    if (!check.ok) throw signatureError(check.error);

    const json = parseJson(body.bytes);
    if (!json.ok) throw new AppError("INVALID_JSON", "body is not valid JSON");
    const delivery = parseDelivery(json.value);
    if (!delivery.ok) {
      throw new AppError("INVALID_EVENTS", `not an array of HubSpot events: ${delivery.message}`, { field: delivery.field });
    }

    let enqueued;
    try {
      enqueued = await enqueueEvents(c.env.EVENTS, delivery.events, now, body.bytes.byteLength);
    } catch (err) {
      // Our outage, not the client's fault: 503 makes HubSpot retry later instead of losing the batch.
      console.error("enqueue failed", err);
      throw new AppError("UNAVAILABLE", "could not queue events; retry later");
    }
    if (!enqueued.ok) {
      throw new AppError("PAYLOAD_TOO_LARGE", `event [${enqueued.index}] is larger than a queue message allows`);
    }
    return c.json({ ok: true, received: delivery.events.length });
  });
  routes.all(WEBHOOK_PATH, rejectOtherMethods(["POST"]));
  return routes;
}

function signatureError(failure: SignatureFailure): AppError {
  switch (failure.kind) {
    case "missing-signature":
      return new AppError("UNAUTHORIZED", failure.message);
    case "bad-timestamp":
    case "stale-timestamp":
      return new AppError("STALE_TIMESTAMP", failure.message);
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
