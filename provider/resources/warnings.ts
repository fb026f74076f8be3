/**
 * Warnings from the provider methods to the person running Pulumi. A dynamic provider has no
 * channel for them (its methods return results or throw), but its process is started with the
 * engine's address as first argument, the address every provider logs to; the warning goes there
 * and the CLI prints it like any other (`warning: ...`). Elsewhere (tests, a plain Node process)
 * it goes to the sink, stderr by default.
 */
import path from "node:path";
import type * as Grpc from "@grpc/grpc-js";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";

type Sink = (message: string) => Promise<void>;

let engine: engineRpc.EngineClient | undefined;

/** The engine's address when this process is Pulumi's dynamic provider host. */
function engineAddress(): string | undefined {
  const main = require.main?.filename ?? "";
  return /[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(main) ? process.argv[2] : undefined;
}

const engineSink: Sink = (message) => {
  const address = engineAddress();
  if (address === undefined) {
    process.stderr.write(`warning: ${message}\n`);
    return Promise.resolve();
  }
  engine ??= new engineRpc.EngineClient(address, pulumisGrpc().credentials.createInsecure());
  const request = new engineProto.LogRequest();
  request.setSeverity(engineProto.LogSeverity.WARNING);
  request.setMessage(message);
  return new Promise((resolve) => {
    // A warning that cannot be delivered must not fail the operation it is about.
    engine?.log(request, (error) => {
      if (error) process.stderr.write(`warning: ${message}\n`);
      resolve();
    });
  });
};

/**
 * The gRPC library @pulumi/pulumi itself loads (its dependency, not this package's): credentials
 * must come from the same copy as the client class, whatever the install layout.
 */
function pulumisGrpc(): typeof Grpc {
  const pulumiRoot = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  return require(require.resolve("@grpc/grpc-js", { paths: [pulumiRoot] })) as typeof Grpc;
}

let sink: Sink = engineSink;

/** Shows `message` as a warning of the current Pulumi operation. */
export function warn(message: string): Promise<void> {
  return sink(message);
}

/** Tests: collect warnings instead of sending them (`undefined` restores the engine sink). */
export function captureWarningsForTests(collect: ((message: string) => void) | undefined): void {
  sink = collect
    ? async (message) => {
        collect(message);
      }
    : engineSink;
}
