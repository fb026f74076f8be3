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

/** The emulator's options as a command line gives them: text, not yet checked. */
export interface EmulatorArguments {
  port?: string;
  host?: string;
  state?: string;
  clientId?: string;
  clientSecret?: string;
}

/** Checks command-line values and turns them into emulator options; throws a readable Error. */
export function emulatorOptions(values: EmulatorArguments): EmulatorOptions {
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer between 0 and 65535, got '${values.port}'`);
  }
  if ((values.clientId === undefined) !== (values.clientSecret === undefined)) {
    throw new Error("--client-id and --client-secret go together");
  }
  return {
    port,
    host: values.host ?? "127.0.0.1",
    stateFile: values.state,
    clientId: values.clientId,
    clientSecret: values.clientSecret,
  };
}

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
  return emulatorOptions({
    port: values.port,
    host: values.host,
    state: values.state,
    clientId: values["client-id"],
    clientSecret: values["client-secret"],
  });
}

/**
 * Runs the emulator until SIGINT or SIGTERM, then closes it: what `aep-flow-emulator` and
 * `aep-flow emulator` do. `write` receives the lines to print (`listening on <url>`, and with a
 * state file the warning that it holds credentials unmasked); `json` prints one JSON line instead.
 */
export async function serveEmulator(
  options: EmulatorOptions,
  write: (line: string) => void,
  json = false,
): Promise<void> {
  const emulator = await startEmulator(options);
  if (json) {
    write(
      JSON.stringify({
        url: emulator.url,
        port: emulator.port,
        stateFile: options.stateFile ?? null,
      }),
    );
  } else {
    write(`listening on ${emulator.url}`);
    if (options.stateFile !== undefined) {
      // The one place credentials stay in clear, so that a restarted emulator still has them.
      write(
        `state file ${options.stateFile} holds credentials unmasked (the request log and admin API redact them): keep it out of version control`,
      );
    }
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await emulator.close();
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
  await serveEmulator(options, (line) => process.stdout.write(`${line}\n`));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `aep-flow-emulator: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
