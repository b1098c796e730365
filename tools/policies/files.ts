// Reading a policies directory: policy files (*.yaml, *.yml, *.json), the portal snapshot, and tests/*.yaml.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parsePortalSchema, type PolicyFile, type PortalSchema } from "../../src/policy/index";

export const PORTAL_FILE = "portal.yaml";
const POLICY_EXTENSIONS = [".yaml", ".yml", ".json"];

export interface PolicyDir {
  dir: string;
  files: PolicyFile[];
  testFiles: PolicyFile[];
}

/** Paths are reported relative to the working directory (e.g. `policies/enterprise.yaml`), as CI logs want. */
function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((name) => POLICY_EXTENSIONS.includes(path.extname(name)))
    .sort()
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

export function readPolicyDir(dir: string): PolicyDir {
  const files = listFiles(dir)
    .filter((file) => path.basename(file) !== PORTAL_FILE && path.basename(file) !== "portal.json")
    .map((file) => ({ path: display(file), text: readFileSync(file, "utf8") }));
  const testFiles = listFiles(path.join(dir, "tests")).map((file) => ({ path: display(file), text: readFileSync(file, "utf8") }));
  return { dir, files, testFiles };
}

/** Reads `<dir>/portal.yaml`. */
export function readPortalSnapshot(dir: string): { ok: true; value: PortalSchema; text: string } | { ok: false; error: string } {
  const file = path.join(dir, PORTAL_FILE);
  if (!existsSync(file)) return { ok: false, error: `${display(file)}: missing portal snapshot (run \`npm run policies -- pull-portal\`)` };
  const text = readFileSync(file, "utf8");
  const parsed = parsePortalSchema(text);
  return parsed.ok ? { ok: true, value: parsed.value, text } : { ok: false, error: `${display(file)}: ${parsed.error}` };
}
