// A draft policy set as the engine would run it: the active files overlaid by the draft's, by file name (the same name
// replaces the active file, a new name adds one). Staged sets (policies/staged/) and files uploaded on the dashboard's
// back-test page are both read this way. Pure.
import type { PolicyFile } from "./types";

const baseName = (p: string) => p.slice(p.replace(/\\/g, "/").lastIndexOf("/") + 1);

/** The active files overlaid by `draft`, active order first, then the draft's new files. */
export function overlayPolicyFiles(active: readonly PolicyFile[], draft: readonly PolicyFile[]): PolicyFile[] {
  const names = new Map(draft.map((f) => [baseName(f.path), f]));
  const replaced = active.map((f) => names.get(baseName(f.path)) ?? f);
  const added = draft.filter((f) => !active.some((a) => baseName(a.path) === baseName(f.path)));
  return [...replaced, ...added];
}
