// The policy sets a back-test compares: a directory (the draft, or --against <dir>) or the same directory as a git
// ref has it (--against-ref main). Each compiled against the portal schema; a bad set is every error as
// `file:line:col path: message`, never a stack trace.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { formatPolicyError, loadPolicySet, type CompiledPolicySet, type PolicyFile, type PortalSchema } from "../../src/policy/index";
import { PORTAL_FILE, readPolicyDir } from "../policies/files";

export type SetResult = { ok: true; value: CompiledPolicySet; files: PolicyFile[] } | { ok: false; errors: string[] };

const POLICY_FILE = /\.(ya?ml|json)$/;

/** The directory's policy files (not its portal snapshot or tests). */
export function filesOfDir(dir: string): PolicyFile[] {
  return readPolicyDir(dir).files;
}

function git(args: string[]): { ok: true; out: string } | { ok: false; error: string } {
  const res = spawnSync("git", args, { encoding: "utf8", maxBuffer: 32 * 1024 * 1024 });
  if (res.error) return { ok: false, error: `git could not start: ${res.error.message}` };
  return res.status === 0 ? { ok: true, out: res.stdout } : { ok: false, error: (res.stderr || res.stdout).trim() };
}

/** The directory's policy files as `ref` has them (`git ls-tree` + `git show`). */
export function filesAtRef(dir: string, ref: string): { ok: true; value: PolicyFile[] } | { ok: false; error: string } {
  const prefix = git(["rev-parse", "--show-prefix"]);
  if (!prefix.ok) return { ok: false, error: `--against-ref needs a git checkout: ${prefix.error}` };
  const inRepo = path.posix.normalize(path.posix.join(prefix.out.trim(), dir.split(path.sep).join("/")));
  const listed = git(["ls-tree", "--name-only", `${ref}:${inRepo}`]);
  if (!listed.ok) return { ok: false, error: `--against-ref ${ref}: ${listed.error}` };
  const names = listed.out.split("\n").filter((n) => POLICY_FILE.test(n) && n !== PORTAL_FILE && n !== "portal.json").sort();
  const files: PolicyFile[] = [];
  for (const name of names) {
    const shown = git(["show", `${ref}:${inRepo}/${name}`]);
    if (!shown.ok) return { ok: false, error: `--against-ref ${ref}: ${shown.error}` };
    files.push({ path: `${ref}:${path.posix.join(dir, name)}`, text: shown.out });
  }
  return { ok: true, value: files };
}

/** Compiles files against the schema; every error formatted with its file and line. */
export function compileSet(files: PolicyFile[], portal: PortalSchema, name: string): SetResult {
  if (files.length === 0) return { ok: false, errors: [`error: no policy files (*.yaml, *.yml, *.json) in ${name}`] };
  const loaded = loadPolicySet(files, portal);
  if (!loaded.ok) return { ok: false, errors: loaded.error.map((e) => formatPolicyError(e)) };
  return { ok: true, value: loaded.value, files };
}
