import type { PolicyError } from "./types";

/** `file:line:col path: message (did you mean "x"?)` — the one-line form the CLI and bundle print. */
export function formatPolicyError(error: PolicyError): string {
  const where = error.line > 0 ? `${error.file}:${error.line}:${error.column}` : error.file;
  const path = error.path === "" ? "" : ` ${error.path}`;
  const hint = error.suggestion === undefined ? "" : ` (did you mean "${error.suggestion}"?)`;
  return `${where}${path}: ${error.message}${hint}`;
}
