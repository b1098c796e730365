// Who and when a policy set is bundled: the last commit touching the policies directory (git), whether it had
// uncommitted edits, and who ran the bundle. Without git (a tarball, a CI cache) the git fields are null.
import { execFileSync } from "node:child_process";
import type { PolicyBundleInfo } from "../../src/policy/index";

function git(dir: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 }).trim();
  } catch {
    // Not a git checkout, or git isn't installed: the stamp says so with nulls (the engine shows "deployed at").
    return null;
  }
}

/** The stamp for a bundle of `dir` made at `now`. Never throws. */
export function bundleStamp(dir: string, now: number): PolicyBundleInfo {
  const log = git(dir, ["log", "-1", "--format=%H%x1f%an%x1f%aI%x1f%s", "--", "."]);
  const [commit, author, committed, subject] = log === null || log === "" ? [] : log.split("\x1f");
  const status = git(dir, ["status", "--porcelain", "--", "."]);
  const committedAt = committed === undefined ? null : Date.parse(committed);
  return {
    bundledAt: now,
    commit: commit ?? null,
    author: author ?? null,
    committedAt: committedAt !== null && Number.isFinite(committedAt) ? committedAt : null,
    subject: subject ?? null,
    dirty: status !== null && status !== "",
    bundledBy: git(dir, ["config", "user.name"]) || null,
  };
}
