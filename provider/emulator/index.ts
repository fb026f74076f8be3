/**
 * A local emulator of Adobe Experience Platform Flow Service (plus the IMS token endpoint and
 * Catalog datasets) on one loopback origin: the demo's default target and the test bed of the
 * providers. Import it as `pulumi-aep-flow/emulator`, or run `aep-flow-emulator --port 4010`.
 *
 * @example
 * const emulator = await startEmulator({ port: 0 });
 * // point AEP_PLATFORM_URL and AEP_IMS_URL at emulator.url
 * emulator.advanceClock(60 * 60 * 1000); // an hour of scheduled runs
 * await emulator.close();
 */
import type { AddressInfo } from "node:net";
import { Emulator } from "./emulator";
import { buildServer } from "./server";
import type { EmulatorHandle, EmulatorOptions } from "./types";

export type {
  Collection,
  EmulatorHandle,
  EmulatorOptions,
  FaultSpec,
  NextRunSpec,
  RequestLogEntry,
} from "./types";

/**
 * Starts an emulator and resolves once it listens. Nothing runs before this call: every server,
 * store and clock belongs to the returned handle.
 *
 * @throws when the port is taken or the state file cannot be read.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const emulator = new Emulator(options);
  const app = buildServer(emulator);
  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    port,
    close: () => {
      closing ??= app.close().then(() => emulator.commit());
      return closing;
    },
    reset: () => emulator.reset(),
    inject: (fault) => emulator.faults.add(fault),
    clearFaults: () => emulator.faults.clear(),
    advanceClock: (ms) => emulator.advanceClock(ms),
    now: () => emulator.clock.now(),
    nextRun: (flowId, spec) => {
      if (!emulator.armNextRun(flowId, spec)) {
        throw new Error(`nextRun: no flows object with id ${flowId}`);
      }
    },
    editOutOfBand: (collection, id, changes) => {
      if (emulator.editOutOfBand(collection, id, changes) === undefined) {
        throw new Error(`editOutOfBand: no ${collection} object with id ${id}`);
      }
    },
    deleteOutOfBand: (collection, id) => {
      if (!emulator.deleteOutOfBand(collection, id)) {
        throw new Error(`deleteOutOfBand: no ${collection} object with id ${id}`);
      }
    },
    objects: (collection) => emulator.objects(collection),
    requests: () => emulator.requestLog.list(),
    clearRequests: () => emulator.requestLog.clear(),
  };
}

/** The host to put in URLs: wildcard addresses are reached through loopback; IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") {
    return "127.0.0.1";
  }
  return host.includes(":") ? `[${host}]` : host;
}
