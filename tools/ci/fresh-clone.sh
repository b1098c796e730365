#!/usr/bin/env bash
# The README's promise, checked: a fresh clone of this commit in a temp folder, `npm ci`, the test suite's smoke
# subset (`npm run test:smoke`, which includes the dashboard's browser tests) and one benchmark's smoke mode
# (`npm run bench:ingress -- --smoke`), with no system Chromium on PATH, no CHROMIUM_PATH and an empty TMPDIR (so
# the npm-shipped Chromium is unpacked from scratch). Exit 0 only if every step passed. Run by .ci/run.
# Usage: tools/ci/fresh-clone.sh [--keep]   (--keep leaves the temp folder for inspection)
set -uo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/dg-fresh-clone-XXXXXX")"
keep=false
[ "${1:-}" = "--keep" ] && keep=true
cleanup() { $keep || rm -rf "$work"; }
trap cleanup EXIT

log="$work/log"
step() { echo "fresh-clone: $1" >&2; }
fail() { echo "fresh-clone: FAILED: $1 (last lines of the log below)" >&2; tail -n 60 "$log" >&2; exit 1; }

# A PATH without any Chromium or Chrome: every other command of the current PATH, linked into one folder.
bin="$work/bin"
mkdir -p "$bin"
IFS=: read -r -a dirs <<< "$PATH"
for dir in "${dirs[@]}"; do
  [ -d "$dir" ] || continue
  for exe in "$dir"/*; do
    name="${exe##*/}"
    case "$name" in chromium*|chrome*|google-chrome*|chromedriver*) continue ;; esac
    [ -e "$bin/$name" ] || ln -s "$exe" "$bin/$name" 2>/dev/null
  done
done

if sha="$(git -C "$root" rev-parse HEAD 2>>"$log")"; then
  # --no-checkout + checkout of the exact commit: also right when $root is a worktree on another branch.
  step "cloning $sha into $work/repo"
  git clone --quiet --no-checkout "$root" "$work/repo" >>"$log" 2>&1 || fail "git clone"
  git -C "$work/repo" checkout --quiet "$sha" >>"$log" 2>&1 || fail "git checkout $sha"
else
  # Not a git checkout (e.g. an exported tree): copy it without anything a previous install or run left behind.
  step "no git here; copying $root without node_modules and generated files into $work/repo"
  mkdir -p "$work/repo"
  tar -C "$root" --exclude=./node_modules --exclude=./.wrangler --exclude=./src/generated --exclude=./test-results --exclude=./.bench -cf - . \
    | tar -C "$work/repo" -xf - >>"$log" 2>&1 || fail "copying the tree"
fi
mkdir -p "$work/tmp"

run() {
  (cd "$work/repo" && env -u CHROMIUM_PATH PATH="$bin" TMPDIR="$work/tmp" CI=true "$@") >>"$log" 2>&1
}

run bash -c '! command -v chromium && ! command -v chromium-browser && ! command -v google-chrome' || fail "a Chromium is still on PATH"
step "npm ci"
run npm ci --no-audit --no-fund || fail "npm ci"
step "the browser tests' Chromium"
run node --import tsx tools/browser.ts || fail "tools/browser.ts could not launch Chromium"
grep -q "from npm:@sparticuz/chromium@" "$log" || fail "the browser did not come from the npm package"
step "npm run test:smoke"
run npm run test:smoke || fail "npm run test:smoke"
step "npm run bench:ingress -- --smoke"
run npm run bench:ingress -- --smoke || fail "npm run bench:ingress -- --smoke"
tail -n 1 "$log" | node -e 'JSON.parse(require("fs").readFileSync(0, "utf8"))' 2>>"$log" || fail "the benchmark's last line is not one JSON object"
step "passed"
