/**
 * What every `aep-flow` command shares: where it writes, its environment, and the options each
 * command takes (`--stack`, `--cwd`, `--json`). A command is one module under commands/ that
 * builds its commander `Command` from a {@link CliContext}.
 */
import { Command } from "commander";
import type { Output } from "./output";

export interface CliContext {
  output: Output;
  env: NodeJS.ProcessEnv;
  /** The Pulumi CLI to run: `pulumi` from PATH unless a test says otherwise. */
  pulumiCommand: string;
  /** Credentials learnt while running; a failure line never shows them. */
  secrets: string[];
}

/** The options of every command. */
export interface CommonOptions {
  stack?: string;
  cwd?: string;
  json?: boolean;
}

/** A command module: builds one subcommand of `aep-flow`. */
export type CommandFactory = (context: CliContext) => Command;

/** Adds the shared options to a command. */
export function withCommonOptions(command: Command): Command {
  return command
    .option(
      "--stack <name>",
      "the Pulumi stack whose aep:* config (and state) to use, read through the Pulumi CLI",
    )
    .option("--cwd <dir>", "the Pulumi program folder (where Pulumi.yaml is); default: here")
    .option("--json", "print one JSON document instead of tables, for scripts");
}
