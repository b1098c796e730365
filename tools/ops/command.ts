// What one `npm run ops` subcommand is: a name, a line for --help, and a run over the resolved target.
// Add a command by writing a file that exports an OpsCommand and listing it in cli.ts.
import type { OpsTarget } from "./target";

export interface OpsIO {
  out(line: string): void;
  err(line: string): void;
}

export interface OpsCommand {
  name: string;
  /** One line for --help. */
  summary: string;
  /** Extra options, shown under the command in --help. */
  options?: string[];
  /** Resolves to the exit code. `args` are the arguments after the command's name, target flags removed. */
  run(target: OpsTarget, args: string[], io: OpsIO): Promise<number>;
}
