// `policies pull-portal --portal <url> --token <t> [dir]`: refreshes <dir>/portal.yaml from a live portal/the simulator.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { PortalSchema } from "../../src/policy/index";
import { PORTAL_FILE, readPortalSnapshot } from "./files";
import type { CliIO } from "./io";
import { fetchPortal } from "./portal-fetch";

export async function pullPortal(options: { dir: string; portalUrl: string; token: string }, io: CliIO): Promise<number> {
  const live = await fetchPortal(options.portalUrl, options.token);
  if (!live.ok) {
    io.err(`error: ${live.error}`);
    return 1;
  }
  let properties = live.value.properties;
  if (properties === null) {
    const snapshot = readPortalSnapshot(options.dir);
    if (!snapshot.ok) {
      io.err(`error: ${options.portalUrl} has no properties endpoint and there is no snapshot to keep properties from`);
      return 1;
    }
    io.out(`note: ${options.portalUrl} has no /crm/v3/properties/deals — pipelines refreshed, properties kept from the snapshot`);
    properties = snapshot.value.properties;
  }
  const portal: PortalSchema = { pipelines: live.value.pipelines, properties };
  const file = path.join(options.dir, PORTAL_FILE);
  writeFileSync(file, renderPortalYaml(portal, options.portalUrl));
  const stages = portal.pipelines.reduce((n, p) => n + p.stages.length, 0);
  io.out(`✓ wrote ${file}: ${portal.pipelines.length} pipelines, ${stages} stages, ${portal.properties.length} properties`);
  return 0;
}

const q = (s: string): string => JSON.stringify(s);

/** One stage / property per line, like the hand-written snapshot, so diffs in review stay readable. */
export function renderPortalYaml(portal: PortalSchema, source: string): string {
  const lines = [
    `# Portal schema snapshot pulled from ${source} by \`npm run policies -- pull-portal\`.`,
    "apiVersion: governance/v1",
    "kind: PortalSnapshot",
    "pipelines:",
  ];
  for (const p of portal.pipelines) {
    lines.push(`  - id: ${q(p.id)}`, `    label: ${q(p.label)}`, `    displayOrder: ${p.displayOrder}`, "    stages:");
    for (const s of p.stages) {
      lines.push(`      - { id: ${q(s.id)}, label: ${q(s.label)}, displayOrder: ${s.displayOrder}, isClosed: ${s.isClosed}, probability: ${s.probability === null ? "null" : s.probability} }`);
    }
  }
  lines.push("properties:");
  for (const p of portal.properties) lines.push(`  - { name: ${q(p.name)}, type: ${p.type}${p.label === undefined ? "" : `, label: ${q(p.label)}`} }`);
  return `${lines.join("\n")}\n`;
}
