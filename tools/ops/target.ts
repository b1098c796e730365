// Where an ops command works: the local engine and simulator (`npm start`'s D1 state and default portal) unless
// --remote (the deployed D1 and the HubSpot portal of HUBSPOT_ACCESS_TOKEN). Flags override the environment.
import { SIM_DEFAULTS } from "../../sim/launch";
import type { D1Target } from "./wrangler-d1";

export interface D1OnlyTarget {
  d1: D1Target;
  describe: string;
}

export interface OpsTarget extends D1OnlyTarget {
  hubspot: { HUBSPOT_ACCESS_TOKEN: string; HUBSPOT_BASE_URL: string; HUBSPOT_APP_ID: string; HUBSPOT_PORTAL_ID?: string };
}

export interface TargetFlags {
  remote: boolean;
  persistTo?: string;
  token?: string;
  baseUrl?: string;
}

/** The database only (a command that never calls HubSpot needs no token, even with --remote). */
export function resolveD1Target(flags: TargetFlags): D1OnlyTarget {
  const d1: D1Target = { remote: flags.remote, ...(flags.persistTo === undefined ? {} : { persistTo: flags.persistTo }) };
  return { d1, describe: flags.remote ? "deployed database" : `local database${flags.persistTo === undefined ? "" : ` in ${flags.persistTo}`}` };
}

/** The target, or a message saying what is missing. */
export function resolveTarget(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env): OpsTarget | string {
  const { d1 } = resolveD1Target(flags);
  if (flags.remote) {
    const token = flags.token ?? env.HUBSPOT_ACCESS_TOKEN;
    if (token === undefined || token === "") return "--remote needs the private app token: set HUBSPOT_ACCESS_TOKEN or pass --token";
    const appId = env.HUBSPOT_APP_ID;
    if (appId === undefined || !/^\d+$/.test(appId)) return "--remote needs HUBSPOT_APP_ID (the numeric app id the engine is configured with)";
    const baseUrl = (flags.baseUrl ?? env.HUBSPOT_BASE_URL ?? "https://api.hubapi.com").replace(/\/+$/, "");
    return {
      d1,
      hubspot: { HUBSPOT_ACCESS_TOKEN: token, HUBSPOT_BASE_URL: baseUrl, HUBSPOT_APP_ID: appId, ...(env.HUBSPOT_PORTAL_ID ? { HUBSPOT_PORTAL_ID: env.HUBSPOT_PORTAL_ID } : {}) },
      describe: `deployed database, HubSpot at ${baseUrl}`,
    };
  }
  const baseUrl = (flags.baseUrl ?? `http://127.0.0.1:${env.SIM_PORT ?? SIM_DEFAULTS.port}`).replace(/\/+$/, "");
  return {
    d1,
    hubspot: {
      HUBSPOT_ACCESS_TOKEN: flags.token ?? env.SIM_ACCESS_TOKEN ?? SIM_DEFAULTS.accessToken,
      HUBSPOT_BASE_URL: baseUrl,
      HUBSPOT_APP_ID: env.SIM_APP_ID ?? String(SIM_DEFAULTS.appId),
      HUBSPOT_PORTAL_ID: env.SIM_PORTAL_ID ?? String(SIM_DEFAULTS.portalId),
    },
    describe: `local database${flags.persistTo === undefined ? "" : ` in ${flags.persistTo}`}, simulator at ${baseUrl} (npm start)`,
  };
}
