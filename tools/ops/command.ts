// What one `npm run ops` subcommand is: a name, a line for --help, and a run over the resolved target.
// Add a command by writing a file that exports an OpsCommand and listing it in cli.ts.
import type { D1OnlyTarget, OpsTarget } from "./target";

export interface OpsIO {
  out(line: string): void;
  err(line: string): void;
}

interface CommandInfo {
  name: string;
  /** One line for --help. */
  summary: string;
  /** Extra options, shown under the command in --help. */
  options?: string[];
}

/** A command that talks to HubSpot as well as D1: with --remote it needs the portal's token and app id. */
export interface HubSpotCommand extends CommandInfo {
  usesHubSpot: true;
  /** Resolves to the exit code. `args` are the arguments after the command's name, target flags removed. */
  run(target: OpsTarget, args: string[], io: OpsIO): Promise<number>;
}

/** A command that only reads and writes the engine's D1: no HubSpot credentials asked for. */
export interface D1Command extends CommandInfo {
  usesHubSpot: false;
  run(target: D1OnlyTarget, args: string[], io: OpsIO): Promise<number>;
}

export type OpsCommand = HubSpotCommand | D1Command;
