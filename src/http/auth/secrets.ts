// Random secrets and their hashes: tokens and session ids are generated here and only ever stored hashed.
import { sha256Hex } from "../../sha256";

const TOKEN_BYTES = 32;

/** Returns `prefix` + 32 random bytes as base64url (43 chars). */
export function generateSecret(prefix: string): string {
  const bytes = new Uint8Array(TOKEN_BYTES);
  crypto.getRandomValues(bytes);
  return prefix + encodeBase64Url(bytes);
}

/** Returns a short random id such as `tok_3f9a0c1d2b7e`. */
export function generateId(prefix: string): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Returns the lowercase hex sha-256 of a UTF-8 string. */
export function hashSecret(secret: string): Promise<string> {
  return Promise.resolve(sha256Hex(secret));
}

function encodeBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
