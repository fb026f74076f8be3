/**
 * `aep-flow emulator`: the package's local Flow Service emulator in the foreground, as
 * `npm run emulator` and `aep-flow-emulator` run it (the same options, the same code), until
 * Ctrl-C or SIGTERM.
 */
import { Command } from "commander";
import { emulatorOptions, serveEmulator, type EmulatorArguments } from "../../emulator/cli";
import { withJsonOption, type CliContext } from "../command";
import { CliError } from "../errors";

interface EmulatorCommandOptions extends EmulatorArguments {
  json?: boolean;
}

const EXAMPLES = `
Examples:
  aep-flow emulator --port 4010                        # then: AEP_PLATFORM_URL=http://127.0.0.1:4010 AEP_IMS_URL=http://127.0.0.1:4010
  aep-flow emulator --port 4010 --state .aep-emulator.json

Admin API (no auth) under /__emulator: clock, faults, out-of-band edits, the request log, and
POST /__emulator/flows/<flowId>/nextRun {"outcome": "failed"} to make the next run fail.`;

export function emulatorCommand(context: CliContext): Command {
  return withJsonOption(new Command("emulator"))
    .summary("run the local Flow Service emulator (as npm run emulator)")
    .description(
      "Serves IMS, Flow Service, Catalog and the admin API on one local origin and prints " +
        "`listening on <url>` (with --json, one JSON line with the url), until Ctrl-C or SIGTERM.",
    )
    .option("--port <n>", "port to listen on; 0 picks a free one", "0")
    .option("--host <address>", "interface to listen on", "127.0.0.1")
    .option(
      "--state <file>",
      "keep objects in this JSON file across restarts (secrets stored unmasked)",
    )
    .option(
      "--client-id <id>",
      "accept only this client id at /ims/token/v3 (with --client-secret)",
    )
    .option(
      "--client-secret <secret>",
      "accept only this client secret (default: any non-empty pair)",
    )
    .addHelpText("after", EXAMPLES)
    .action(async (options: EmulatorCommandOptions) => {
      let checked;
      try {
        checked = emulatorOptions(options);
      } catch (error) {
        throw new CliError((error as Error).message, 2);
      }
      if (options.clientSecret !== undefined) context.secrets.push(options.clientSecret);
      await serveEmulator(checked, (line) => context.output.out(line), options.json === true);
    });
}
