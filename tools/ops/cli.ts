// `npm run ops -- <command>`: operations on a running engine's database. Each command is one entry of COMMANDS (name,
// one-line help, run); add a command by adding an entry. Local D1 (.wrangler/state, the one npm start uses) unless
// --remote (the deployed database) or --persist-to <dir>. Node-only; never imported by the Worker.
import { parseArgs } from "node:util";
import type { OpsCommand } from "./command";
import { replayDeadLettersCommand } from "./replay-dead-letters";

const COMMANDS: OpsCommand[] = [replayDeadLettersCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: npm run ops -- <command> [--remote | --persist-to <dir>]",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.help}`),
    "  --help  this text",
    "Local D1 (.wrangler/state, the one npm start uses) unless --remote (the deployed database) or --persist-to.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      help: { type: "boolean", short: "h", default: false },
      remote: { type: "boolean", default: false },
      "persist-to": { type: "string" },
    },
  });
  const [name, ...rest] = positionals;
  if (values.help === true || name === undefined || name === "help") {
    console.log(usage());
    return name === undefined && values.help !== true ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    console.error(`unknown command "${name}"\n${usage()}`);
    return 2;
  }
  const persistTo = typeof values["persist-to"] === "string" ? values["persist-to"] : undefined;
  return command.run({ remote: values.remote === true, ...(persistTo === undefined ? {} : { persistTo }) }, rest);
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
