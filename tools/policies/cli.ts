// The policy admin's CLI: check, test, explain, pull-portal, native, backtest. Node-only (outside the Worker bundle); exit 0 ok,
// 1 policy/test failures, 2 usage errors. `npm run policies -- <command> …`
import { pathToFileURL } from "node:url";
import { BACKTEST_USAGE, runBacktestCommand } from "../backtest/command";
import { checkPolicies } from "./check";
import { explainPolicy } from "./explain";
import { processIO, type CliIO } from "./io";
import { runNative } from "./native";
import { pullPortal } from "./pull-portal";
import { runTests } from "./test-command";

const USAGE = `usage: npm run policies -- <command>
  check [dir] [--portal <url> --token <t>]   schema, names and CEL type-check (default dir: policies)
  test [dir] [--require-coverage]            run <dir>/tests/*.yaml
  explain <policy-file> --change <json|@file> [--now <iso>] [--portal-dir <dir>]
  pull-portal --portal <url> --token <t> [dir]  refresh <dir>/portal.yaml from a live portal or the simulator
  native plan|apply|drift [dir] [--portal <url> --token <t>]  HubSpot's own pipeline rules from the policies
${BACKTEST_USAGE}
  help, --help                               this text
npm start re-checks and hot-reloads policies/ on every edit; npm run generate bundles them for the Worker.`;

interface Parsed {
  positional: string[];
  flags: Map<string, string>;
  switches: Set<string>;
}

const VALUE_FLAGS = new Set(["--portal", "--token", "--change", "--now", "--portal-dir"]);

function parseArgs(args: readonly string[]): Parsed | string {
  const parsed: Parsed = { positional: [], flags: new Map(), switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (VALUE_FLAGS.has(arg)) {
      const value = args[i + 1];
      if (value === undefined) return `${arg} needs a value`;
      parsed.flags.set(arg, value);
      i++;
    } else if (arg.startsWith("--")) parsed.switches.add(arg);
    else parsed.positional.push(arg);
  }
  return parsed;
}

/** Runs one CLI invocation and returns its exit code. */
export async function runCli(args: readonly string[], io: CliIO = processIO): Promise<number> {
  if (args.some((a) => a === "--help" || a === "-h") || args[0] === "help") {
    io.out(USAGE);
    return 0;
  }
  const [command, ...rest] = args;
  // Its own flags (dates, sources): parsed by the command itself.
  if (command === "backtest") return runBacktestCommand(rest, { io });
  const parsed = parseArgs(rest);
  if (typeof parsed === "string") {
    io.err(`error: ${parsed}\n${USAGE}`);
    return 2;
  }
  const dir = parsed.positional[0] ?? "policies";
  const token = parsed.flags.get("--token") ?? process.env.HUBSPOT_ACCESS_TOKEN;
  switch (command) {
    case "check": {
      const portalUrl = parsed.flags.get("--portal");
      const outcome = await checkPolicies({ dir, ...(portalUrl === undefined ? {} : { portalUrl }), ...(token === undefined ? {} : { token }) }, io);
      return outcome.errors > 0 ? 1 : 0;
    }
    case "test":
      return runTests({ dir, requireCoverage: parsed.switches.has("--require-coverage") }, io);
    case "explain": {
      const policyFile = parsed.positional[0];
      const change = parsed.flags.get("--change");
      if (policyFile === undefined || change === undefined) {
        io.err(`error: explain needs <policy-file> and --change\n${USAGE}`);
        return 2;
      }
      const now = parsed.flags.get("--now");
      const portalDir = parsed.flags.get("--portal-dir");
      return explainPolicy({ policyFile, change, ...(now === undefined ? {} : { now }), ...(portalDir === undefined ? {} : { portalDir }) }, io);
    }
    case "pull-portal": {
      const portalUrl = parsed.flags.get("--portal");
      if (portalUrl === undefined || token === undefined) {
        io.err(`error: pull-portal needs --portal <url> and --token <t>\n${USAGE}`);
        return 2;
      }
      return pullPortal({ dir, portalUrl, token }, io);
    }
    case "native": {
      const [sub, nativeDir] = parsed.positional;
      const portalUrl = parsed.flags.get("--portal");
      return runNative(sub, { dir: nativeDir ?? "policies", ...(portalUrl === undefined ? {} : { portalUrl }), ...(token === undefined ? {} : { token }) }, io);
    }
    default:
      io.err(command === undefined ? USAGE : `error: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`error: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
