// Staged policy sets: drafts kept in policies/staged/ (one set per subdirectory, files directly in staged/ form the set
// "staged"), each the active files overlaid by its own (same file name replaces, new names add). They are checked
// against the same portal snapshot and bundled next to the active set, so the dashboard can back-test them. A staged
// set that fails check is left out with its errors printed: a draft never blocks a deploy of the active set.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { formatPolicyError, loadPolicySet, overlayPolicyFiles, type PolicyFile, type PortalSchema, type StagedPolicySet } from "../../src/policy/index";
import { readPolicyDir } from "./files";
import type { CliIO } from "./io";

export const STAGED_DIR = "staged";

/** The staged directories under `dir`, by set name. */
function stagedDirs(dir: string): Array<{ name: string; dir: string }> {
  const root = path.join(dir, STAGED_DIR);
  if (!existsSync(root) || !statSync(root).isDirectory()) return [];
  const subdirs = readdirSync(root).sort().filter((n) => statSync(path.join(root, n)).isDirectory() && n !== "tests");
  return [{ name: STAGED_DIR, dir: root }, ...subdirs.map((name) => ({ name, dir: path.join(root, name) }))];
}

/** Every staged set of `dir` that passes check; the others are reported on `io.err` and left out. */
export function readStagedSets(dir: string, active: PolicyFile[], portal: PortalSchema, io: CliIO): StagedPolicySet[] {
  const out: StagedPolicySet[] = [];
  for (const s of stagedDirs(dir)) {
    const staged = readPolicyDir(s.dir).files;
    if (staged.length === 0) continue;
    const files = overlayPolicyFiles(active, staged);
    const loaded = loadPolicySet(files, portal);
    if (!loaded.ok) {
      for (const error of loaded.error) io.err(formatPolicyError(error));
      io.err(`! staged set "${s.name}" left out of the bundle: ${loaded.error.length} error(s); the active set is not affected`);
      continue;
    }
    io.out(`✓ staged set "${s.name}": ${staged.length} staged file(s) over the active set (set ${loaded.value.version})`);
    out.push({ name: s.name, files, staged: staged.map((f) => f.path), version: loaded.value.version });
  }
  return out;
}
