// Reads a request body into memory with a hard cap: the declared Content-Length is checked first, then the
// stream is counted as it arrives, so an oversized or lying client can never make us buffer more than the cap.

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export type BodyRead = { ok: true; bytes: Uint8Array } | { ok: false; reason: "too-large" | "bad-length" | "aborted" };

/** Returns the body bytes, or why they were refused. Never throws for client behaviour. */
export async function readBodyWithLimit(request: Request, limit: number): Promise<BodyRead> {
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (!/^\d+$/.test(declared.trim())) return { ok: false, reason: "bad-length" };
    if (Number(declared) > limit) return { ok: false, reason: "too-large" };
  }
  if (request.body === null) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away or sent a broken stream: their fault, so a 4xx value, not a 500.
      return { ok: false, reason: "aborted" };
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      // Stop reading: the rest of the stream is never pulled into memory.
      await reader.cancel("body too large");
      return { ok: false, reason: "too-large" };
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return { ok: true, bytes: chunks[0] };
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}
