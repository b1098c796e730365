// Schema validation of one loaded policy document: zod issues → positioned PolicyErrors with field paths.
import type { z } from "zod";
import type { PathSegment, SourceDoc } from "./load";
import { KNOWN_FIELDS, PolicyDocSchema, type PolicyDoc } from "./schema";
import { suggestName } from "./suggest";
import type { PolicyError, Result } from "./types";

type Issue = z.core.$ZodIssue;

/** Validates the document's structure; returns every problem found (never throws). */
export function validatePolicyDoc(source: SourceDoc): Result<PolicyDoc, PolicyError[]> {
  return validateAgainst(PolicyDocSchema, source, KNOWN_FIELDS);
}

/** Validates any loaded document against a zod schema, positioning each issue; `fields` feeds "did you mean". */
export function validateAgainst<T>(schema: z.ZodType<T>, source: SourceDoc, fields: readonly string[]): Result<T, PolicyError[]> {
  const parsed = schema.safeParse(source.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: parsed.error.issues.flatMap((issue) => describeIssue(source, issue, [], fields)) };
}

/** `rules[2].require[1]` from ["rules", 2, "require", 1]. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function toSegments(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((p) => (typeof p === "number" ? p : String(p)));
}

function describeIssue(source: SourceDoc, issue: Issue, prefix: PathSegment[], fields: readonly string[]): PolicyError[] {
  const path = [...prefix, ...toSegments(issue.path)];
  const error = (message: string, at: PathSegment[] = path, which: "key" | "value" = "value", suggestion?: string): PolicyError => ({
    code: "schema",
    file: source.file,
    ...source.locate(at, which),
    path: formatPath(at),
    message,
    ...(suggestion === undefined ? {} : { suggestion }),
  });
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        ...error(`unknown field "${key}"`, [...path, key], "key", suggestName(key, fields)),
        code: "unknown-field" as const,
      }));
    case "invalid_union": {
      const branch = pickUnionBranch(issue.errors);
      if (branch === undefined) return [error("has an invalid value")];
      return branch.flatMap((inner) => describeIssue(source, inner, path, fields));
    }
    case "invalid_value": {
      const got = valueAt(source.value, path);
      const options = issue.values.map((v) => String(v));
      const suggestion = typeof got === "string" ? suggestName(got, options) : undefined;
      const listed = options.map((o) => JSON.stringify(o)).join(", ");
      return [error(`${JSON.stringify(got)} is not allowed; expected ${options.length > 1 ? "one of " : ""}${listed}`, path, "value", suggestion)];
    }
    case "invalid_type":
      if (valueAt(source.value, path) === undefined) return [error(`is required (${issue.expected})`)];
      return [error(`expected ${issue.expected}, got ${describeValue(valueAt(source.value, path))}`)];
    default:
      return [error(issue.message)];
  }
}

/** The union branch the author most likely meant: the one whose input type matched and that has fewest issues. */
function pickUnionBranch(branches: Issue[][]): Issue[] | undefined {
  const typed = branches.filter((b) => !(b.length === 1 && b[0]?.code === "invalid_type" && b[0].path.length === 0));
  const candidates = typed.length > 0 ? typed : branches;
  return [...candidates].sort((a, b) => a.length - b.length)[0];
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node: unknown = root;
  for (const segment of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return `${typeof value} ${JSON.stringify(value)}`;
}
