/**
 * What every `aep-flow` command shares: where it writes, its environment, and the options each
 * command takes (`--stack`, `--cwd`, `--json`). A command is one module under commands/ that
 * builds its commander `Command` from a {@link CliContext}.
 */
import { Command } from "commander";
import type { AepClientOptions } from "../client";
import type { Output } from "./output";

export interface CliContext {
  output: Output;
  env: NodeJS.ProcessEnv;
  /** The Pulumi CLI to run: `pulumi` from PATH unless a test says otherwise. */
  pulumiCommand: string;
  /** Credentials learnt while running; a failure line never shows them. */
  secrets: string[];
  /** Options of the Adobe client the commands build (tests: millisecond retries). */
  clientOptions?: AepClientOptions;
  /** How long `--watch` waits between two looks at a run; 2 s unless a test says otherwise. */
  pollIntervalMs: number;
  /** How `--watch` waits; a timer unless a test moves the emulator's clock instead. */
  sleep: (ms: number) => Promise<void>;
}

/** The options of every command. */
export interface CommonOptions {
  stack?: string;
  cwd?: string;
  json?: boolean;
}

/** A command module: builds one subcommand of `aep-flow`. */
export type CommandFactory = (context: CliContext) => Command;

/** Adds `--json`, which every command takes. */
export function withJsonOption(command: Command): Command {
  return command.option("--json", "print one JSON document instead of tables, for scripts");
}

/** Adds the shared options to a command. */
export function withCommonOptions(command: Command): Command {
  return withJsonOption(
    command
      .option(
        "--stack <name>",
        "the Pulumi stack whose aep:* config (and state) to use, read through the Pulumi CLI",
      )
      .option("--cwd <dir>", "the Pulumi program folder (where Pulumi.yaml is); default: here"),
  );
}

/** What every command that reads Adobe says about its settings, at the end of its --help. */
export const SETTINGS_HELP =
  "\nSettings: the AEP_* environment variables (AEP_ORG_ID, AEP_CLIENT_ID, AEP_CLIENT_SECRET, ...), " +
  "or with --stack (or --cwd) that stack's aep:* config, read through the Pulumi CLI, as the provider does.";
