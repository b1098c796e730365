// `npm run tokens -- create --name <n> --role admin|manager [--teams East,West] [--expires 2027-01-01]`, `list`,
// `teams`, `revoke <id|name>`. Local D1 by default (migrations applied first), `--remote` for the deployed database,
// `--persist-to <dir>` for a specific local state dir. Prints a new token once; only its hash is stored.
import { parseArgs } from "node:util";
import { generateId, generateSecret, hashSecret } from "../../src/http/auth/secrets";
import { applyLocalMigrations, DATABASE, localD1Args, runWrangler } from "../wrangler-cli";
import { describeTeams, LIST_TEAMS_SQL, resolveTeams, type KnownTeam } from "./teams";
import { buildInsertTokenSql, buildRevokeSql, CreateArgsSchema, LIST_TOKENS_SQL, parseExpiry } from "./token-sql";

const USAGE = `usage: npm run tokens -- <command> [--remote | --persist-to <dir>]
  create --name <n> --role admin|manager [--teams <names or ids>] [--expires 2027-01-01]
                     prints a new token once (only its hash is stored); --teams limits a manager to those teams
  list               every token: role, teams, active/expired/revoked, last use
  teams              the teams the engine knows (names and ids, for --teams)
  revoke <id|name>   revokes the token and ends its browser sessions
  --help             this text
Local D1 (.wrangler/state, the one npm start uses) unless --remote (the deployed database) or --persist-to.`;

interface Target {
  remote: boolean;
  persistTo?: string;
}

function targetArgs(t: Target): string[] {
  return t.remote ? ["--remote"] : localD1Args({ persistDir: t.persistTo });
}

/** Runs SQL through `wrangler d1 execute … --json` and returns the rows of the last statement. */
export function executeSql(sql: string, t: Target): Array<Record<string, unknown>> {
  const out = runWrangler(["d1", "execute", DATABASE, ...targetArgs(t), "--json", "--command", sql]);
  const start = out.indexOf("[");
  const parsed: unknown = JSON.parse(start >= 0 ? out.slice(start) : "[]");
  const last = Array.isArray(parsed) ? (parsed[parsed.length - 1] as { results?: Array<Record<string, unknown>> } | undefined) : undefined;
  return last?.results ?? [];
}

function migrateIfLocal(t: Target): void {
  if (!t.remote) applyLocalMigrations({ persistDir: t.persistTo });
}

const iso = (v: unknown) => (typeof v === "number" ? new Date(v).toISOString().slice(0, 16).replace("T", " ") : "—");

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h", default: false },
      name: { type: "string" },
      role: { type: "string" },
      teams: { type: "string" },
      expires: { type: "string" },
      remote: { type: "boolean", default: false },
      local: { type: "boolean", default: false },
      "persist-to": { type: "string" },
    },
  });
  const target: Target = { remote: values.remote ?? false, persistTo: values["persist-to"] };
  const [command, arg] = positionals;
  if (values.help || command === "help") {
    console.log(USAGE);
    return 0;
  }
  switch (command) {
    case "create": {
      const expiresAt = values.expires === undefined ? null : parseExpiry(values.expires);
      if (values.expires !== undefined && expiresAt === null) throw new Error("--expires must be YYYY-MM-DD or an ISO datetime");
      if (expiresAt !== null && expiresAt <= Date.now()) throw new Error(`--expires ${values.expires} is in the past: the token could never sign in`);
      migrateIfLocal(target);
      const teams = values.teams === undefined ? null : resolveTeamArg(values.teams, target);
      const parsed = CreateArgsSchema.safeParse({ name: values.name, role: values.role, teams, expiresAt });
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("\n"));
      const token = generateSecret("dg_");
      const id = generateId("tok_");
      executeSql(buildInsertTokenSql({ ...parsed.data, id, tokenHash: await hashSecret(token), createdAt: Date.now() }), target);
      console.log(`Created ${parsed.data.role} token "${parsed.data.name}" (${id})${parsed.data.teams ? ` for teams ${parsed.data.teams.join(", ")}` : ""}.`);
      console.log("Copy it now; it is not stored and cannot be shown again:\n");
      console.log(token);
      return 0;
    }
    case "list": {
      migrateIfLocal(target);
      const rows = executeSql(LIST_TOKENS_SQL, target);
      if (rows.length === 0) console.log("No tokens yet. Create one with: npm run tokens -- create --name <name> --role admin");
      for (const r of rows) {
        const state = r.revoked_at ? "revoked" : typeof r.expires_at === "number" && r.expires_at <= Date.now() ? "expired" : "active";
        console.log([String(r.id).padEnd(22), String(r.name).padEnd(20), String(r.role).padEnd(8), String(r.teams ?? "all teams").padEnd(16), state.padEnd(8), `created ${iso(r.created_at)}`, `expires ${iso(r.expires_at)}`, `last used ${iso(r.last_used_at)}`].join("  "));
      }
      return 0;
    }
    case "teams": {
      migrateIfLocal(target);
      const known = readTeams(target);
      console.log(known.length === 0 ? "No teams known yet: the engine caches HubSpot's teams as it enforces (run npm start, or wait for the first webhook)." : known.map((t) => `${t.id.padEnd(24)}  ${t.name ?? "(no name)"}`).join("\n"));
      return 0;
    }
    case "revoke": {
      if (!arg) throw new Error("usage: npm run tokens -- revoke <id|name>");
      executeSql(buildRevokeSql(arg, Date.now()), target);
      const rows = executeSql(`SELECT id, revoked_at FROM api_tokens WHERE id = '${arg.replace(/'/g, "''")}' OR name = '${arg.replace(/'/g, "''")}';`, target);
      if (rows.length === 0) throw new Error(`no token with id or name "${arg}"`);
      console.log(`Revoked ${rows.map((r) => String(r.id)).join(", ")}; its browser sessions are ended too.`);
      return 0;
    }
    default:
      if (command) console.error(`unknown command "${command}"`);
      (command ? console.error : console.log)(USAGE);
      return command ? 2 : 0;
  }
}

function readTeams(t: Target): KnownTeam[] {
  return executeSql(LIST_TEAMS_SQL, t).map((r) => ({ id: String(r.id), name: typeof r.name === "string" ? r.name : null }));
}

/** Names or ids → ids; throws with the known teams when one is unknown. */
function resolveTeamArg(list: string, t: Target): string[] | null {
  const requested = list.split(",").map((s) => s.trim()).filter(Boolean);
  if (requested.length === 0) return null;
  const known = readTeams(t);
  const resolved = resolveTeams(requested, known);
  if (!resolved.ok) throw new Error(resolved.error);
  if (resolved.unchecked) console.error(`note: no teams cached in this database yet; "${requested.join(", ")}" taken as team ids, unchecked`);
  else console.error(`teams: ${describeTeams(known.filter((k) => resolved.ids.includes(k.id)))}`);
  return resolved.ids;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
