#!/usr/bin/env node
/**
 * `aep-flow-emulator` (also `npm run emulator -- ...`): runs the emulator in the foreground until
 * SIGINT/SIGTERM and prints `listening on <url>` once it accepts requests (then, with `--state`,
 * that the state file holds credentials unmasked).
 */
import { parseArgs } from "node:util";
import { startEmulator } from "./index";
import type { EmulatorOptions } from "./types";

const USAGE = `Usage: aep-flow-emulator [options]

Local emulator of Adobe Experience Platform Flow Service, Catalog datasets and the IMS token
endpoint, on one origin. Admin API (no auth) under /__emulator.

Options:
  --port <n>            port to listen on; 0 picks a free one (default 0)
  --host <address>      interface to listen on (default 127.0.0.1)
  --state <file>        keep objects in this JSON file across restarts (secrets stored unmasked)
  --client-id <id>      accept only this client id at /ims/token/v3 (with --client-secret)
  --client-secret <s>   accept only this client secret (default: any non-empty pair)
  -h, --help            show this help
`;

/** Turns the command line into emulator options; throws a readable Error on bad input. */
export function parseCommandLine(args: string[]): EmulatorOptions | "help" {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      state: { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    return "help";
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer between 0 and 65535, got '${values.port}'`);
  }
  if ((values["client-id"] === undefined) !== (values["client-secret"] === undefined)) {
    throw new Error("--client-id and --client-secret go together");
  }
  return {
    port,
    host: values.host ?? "127.0.0.1",
    stateFile: values.state,
    clientId: values["client-id"],
    clientSecret: values["client-secret"],
  };
}

async function main(): Promise<void> {
  let options: EmulatorOptions | "help";
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`aep-flow-emulator: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return;
  }
  const emulator = await startEmulator(options);
  process.stdout.write(`listening on ${emulator.url}\n`);
  if (options.stateFile !== undefined) {
    // The one place credentials stay in clear, so that a restarted emulator still has them.
    process.stdout.write(
      `state file ${options.stateFile} holds credentials unmasked (the request log and admin API redact them): keep it out of version control\n`,
    );
  }
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`aep-flow-emulator: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `aep-flow-emulator: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
