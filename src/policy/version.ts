// Policy versions are content hashes: every recorded violation names the exact text that produced it.
// Hashed with the shared synchronous SHA-256 (the core must stay synchronous and pure).
import { sha256Hex } from "../sha256";

/** A policy version: the first 16 hex characters of the SHA-256 of the policy file's text. */
export function hashText(text: string): string {
  return sha256Hex(text).slice(0, 16);
}
