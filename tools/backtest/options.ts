// `policies backtest` arguments → options, or a usage error naming what is wrong. Dates are UTC: a bare date starts
// at its midnight for --from and ends at the next midnight for --to (so --to 2026-06-30 includes the 30th).
export interface BacktestOptions {
  dir: string;
  from: number;
  to: number;
  against: { kind: "dir"; dir: string } | { kind: "ref"; ref: string } | null;
  source: "engine" | "hubspot";
  remote: boolean;
  json: boolean;
  /** Re-read HubSpot instead of the local cache. */
  refresh: boolean;
  examples: number;
  persistTo?: string;
  baseUrl?: string;
  token?: string;
}

const VALUE_FLAGS = ["--from", "--to", "--against", "--against-ref", "--source", "--examples", "--persist-to", "--base-url", "--token"] as const;
const SWITCHES = ["--remote", "--json", "--refresh"] as const;
const DAY = 86_400_000;

function parseDate(raw: string, end: boolean): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const ms = Date.parse(`${raw}T00:00:00Z`);
    return Number.isFinite(ms) ? ms + (end ? DAY : 0) : null;
  }
  const ms = Date.parse(raw);
  return /^\d{4}-\d{2}-\d{2}T/.test(raw) && Number.isFinite(ms) ? ms : null;
}

/** The options, or a usage error. */
export function parseBacktestArgs(args: readonly string[]): BacktestOptions | string {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if ((VALUE_FLAGS as readonly string[]).includes(arg)) {
      const value = args[++i];
      if (value === undefined || value.startsWith("--")) return `${arg} needs a value`;
      values.set(arg, value);
    } else if ((SWITCHES as readonly string[]).includes(arg)) switches.add(arg);
    else if (arg.startsWith("--")) return `unknown option ${arg} for backtest`;
    else positional.push(arg);
  }
  if (positional.length > 1) return `backtest takes one policy directory, got ${positional.join(" ")}`;
  const fromRaw = values.get("--from");
  const toRaw = values.get("--to");
  if (fromRaw === undefined || toRaw === undefined) return "backtest needs --from <date> and --to <date> (YYYY-MM-DD or an ISO timestamp, UTC)";
  const from = parseDate(fromRaw, false);
  const to = parseDate(toRaw, true);
  if (from === null) return `--from ${fromRaw}: not a date (YYYY-MM-DD or an ISO timestamp)`;
  if (to === null) return `--to ${toRaw}: not a date (YYYY-MM-DD or an ISO timestamp)`;
  if (to <= from) return `--to ${toRaw} is not after --from ${fromRaw}`;
  const source = values.get("--source") ?? "engine";
  if (source !== "engine" && source !== "hubspot") return `--source ${source}: use engine or hubspot`;
  const againstDir = values.get("--against");
  const againstRef = values.get("--against-ref");
  if (againstDir !== undefined && againstRef !== undefined) return "--against and --against-ref exclude each other";
  const examples = Number(values.get("--examples") ?? "3");
  if (!Number.isInteger(examples) || examples < 0 || examples > 50) return "--examples takes a whole number from 0 to 50";
  if (switches.has("--remote") && values.has("--persist-to")) return "--remote and --persist-to exclude each other";
  const optional = (flag: string, key: "persistTo" | "baseUrl" | "token") => (values.has(flag) ? { [key]: values.get(flag) } : {});
  return {
    dir: positional[0] ?? "policies",
    from,
    to,
    against: againstDir !== undefined ? { kind: "dir", dir: againstDir } : againstRef !== undefined ? { kind: "ref", ref: againstRef } : null,
    source,
    remote: switches.has("--remote"),
    json: switches.has("--json"),
    refresh: switches.has("--refresh"),
    examples,
    ...optional("--persist-to", "persistTo"),
    ...optional("--base-url", "baseUrl"),
    ...optional("--token", "token"),
  };
}
