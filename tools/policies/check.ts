// `policies check [dir] [--portal <url> --token <t>]`: schema, names and CEL type-check; non-zero exit on any error.
import { formatPolicyError, loadPolicySet, neededAssociations, requiredProperties, type CompiledPolicySet, type PortalSchema } from "../../src/policy/index";
import { readPolicyDir, readPortalSnapshot } from "./files";
import type { CliIO } from "./io";
import { fetchPortal } from "./portal-fetch";

export interface CheckOptions {
  dir: string;
  portalUrl?: string;
  token?: string;
}

export interface CheckOutcome {
  set: CompiledPolicySet | null;
  portal: PortalSchema | null;
  errors: number;
}

/** Loads and compiles the directory; prints each error as `file:line:col path: message (did you mean …?)`. */
export async function checkPolicies(options: CheckOptions, io: CliIO): Promise<CheckOutcome> {
  const snapshot = readPortalSnapshot(options.dir);
  let portal: PortalSchema | null = snapshot.ok ? snapshot.value : null;
  let portalName = `${options.dir}/portal.yaml`;
  if (options.portalUrl !== undefined) {
    if (options.token === undefined) {
      io.err("error: --portal needs --token <private app token>");
      return { set: null, portal: null, errors: 1 };
    }
    const live = await fetchPortal(options.portalUrl, options.token);
    if (!live.ok) {
      io.err(`error: ${live.error}`);
      return { set: null, portal: null, errors: 1 };
    }
    if (live.value.properties === null) {
      if (portal === null) {
        io.err(`error: ${options.portalUrl} has no properties endpoint and there is no snapshot to take properties from`);
        return { set: null, portal: null, errors: 1 };
      }
      io.out(`note: ${options.portalUrl} has no /crm/v3/properties/deals: pipelines and stages checked live, properties against the snapshot`);
      portal = { pipelines: live.value.pipelines, properties: portal.properties };
    } else {
      portal = { pipelines: live.value.pipelines, properties: live.value.properties };
    }
    portalName = options.portalUrl;
    // The engine's own deal properties: reported, not counted as policy errors (the engine creates them itself).
    const governance = live.value.governance;
    if (governance !== null && governance.length === 0) io.out("✓ governance properties (deal_governance group) in place");
    for (const problem of governance ?? []) io.out(`! governance property ${problem}`);
  } else if (!snapshot.ok) {
    io.err(`error: ${snapshot.error}`);
    return { set: null, portal: null, errors: 1 };
  }
  if (portal === null) return { set: null, portal: null, errors: 1 };
  const { files } = readPolicyDir(options.dir);
  if (files.length === 0) {
    io.err(`error: no policy files (*.yaml, *.yml, *.json) in ${options.dir}`);
    return { set: null, portal, errors: 1 };
  }
  const loaded = loadPolicySet(files, portal);
  if (!loaded.ok) {
    for (const error of loaded.error) io.err(formatPolicyError(error));
    io.err(`✗ ${loaded.error.length} error${loaded.error.length === 1 ? "" : "s"} in ${files.length} file${files.length === 1 ? "" : "s"}`);
    return { set: null, portal, errors: loaded.error.length };
  }
  const rules = loaded.value.policies.reduce((n, p) => n + p.rules.length, 0);
  io.out(`✓ ${loaded.value.policies.length} policies, ${rules} rules checked against ${portalName} (set ${loaded.value.version})`);
  // The admin configures HubSpot's webhook subscriptions by hand: say which ones this policy set depends on.
  io.out(`  webhook subscriptions needed: deal.propertyChange for ${requiredProperties(loaded.value).join(", ")}`);
  if (neededAssociations(loaded.value).length > 0) {
    io.out(`  and deal.associationChange (policies count ${neededAssociations(loaded.value).join(", ")})`);
  }
  return { set: loaded.value, portal, errors: 0 };
}
