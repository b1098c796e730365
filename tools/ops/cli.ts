// `npm run ops -- <command> [--remote | --persist-to <dir>] [--token <t>] [--base-url <url>]`: operations on a running
// engine's data and its HubSpot portal. Each command is a file exporting an OpsCommand, listed in COMMANDS below.
import { pathToFileURL } from "node:url";
import type { OpsCommand, OpsIO } from "./command";
import { installProperties } from "./install-properties";
import { replayDeadLettersCommand } from "./replay-dead-letters";
import { syncGovernanceProperties } from "./sync-governance";
import { resolveD1Target, resolveTarget, type TargetFlags } from "./target";

export const COMMANDS: readonly OpsCommand[] = [installProperties, syncGovernanceProperties, replayDeadLettersCommand];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.flatMap((c) => [`  ${c.name.padEnd(width)}  ${c.summary}`, ...(c.options ?? []).map((o) => `  ${"".padEnd(width)}    ${o}`)]);
  return `usage: npm run ops -- <command> [--remote | --persist-to <dir>] [--token <t>] [--base-url <url>]
${lines.join("\n")}
  --help    this text
Local by default: npm start's D1 state and its simulator (http://127.0.0.1:8799, or SIM_PORT). --remote: the deployed
D1 (wrangler d1 … --remote) and, for the commands that call HubSpot, the portal of HUBSPOT_ACCESS_TOKEN (HUBSPOT_APP_ID
and HUBSPOT_BASE_URL from the env); replay-dead-letters only needs the database.`;
}

/** Splits the target flags off the arguments. A string is a usage error. */
function parseTargetFlags(args: readonly string[]): { flags: TargetFlags; rest: string[] } | string {
  const flags: TargetFlags = { remote: false };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === "--remote") flags.remote = true;
      else if (a === "--local") flags.remote = false;
      else if (a === "--persist-to") flags.persistTo = value();
      else if (a === "--token") flags.token = value();
      else if (a === "--base-url") flags.baseUrl = value();
      else rest.push(a);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
  if (flags.remote && flags.persistTo !== undefined) return "--remote and --persist-to exclude each other";
  return { flags, rest };
}

export async function runOps(args: readonly string[], io: OpsIO): Promise<number> {
  const [name, ...more] = args;
  if (name === undefined || name === "help" || args.includes("--help") || args.includes("-h")) {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`error: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  const parsed = parseTargetFlags(more);
  if (typeof parsed === "string") {
    io.err(`error: ${parsed}\n${usage()}`);
    return 2;
  }
  const unknown = parsed.rest.filter((a) => a.startsWith("--") && !(command.options ?? []).some((o) => o.startsWith(`${a} `) || o === a));
  if (unknown.length > 0) {
    io.err(`error: unknown option ${unknown.join(", ")} for ${name}\n${usage()}`);
    return 2;
  }
  if (!command.usesHubSpot) {
    const target = resolveD1Target(parsed.flags);
    io.out(`${name}: ${target.describe}`);
    return command.run(target, parsed.rest, io);
  }
  const target = resolveTarget(parsed.flags);
  if (typeof target === "string") {
    io.err(`error: ${target}`);
    return 2;
  }
  io.out(`${name}: ${target.describe}`);
  return command.run(target, parsed.rest, io);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const io: OpsIO = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };
  runOps(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
