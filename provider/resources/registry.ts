/**
 * Every resource of the package, one line each. The public API (index.ts) exports these, and
 * the provider process (runtime.ts) builds each one's provider from its class's `definition`,
 * under the definition's `key`: the name its `__provider` text asks for.
 */
export { BaseConnection, type BaseConnectionArgs } from "./baseConnection";
export { SourceConnection, type SourceConnectionArgs } from "./sourceConnection";
export { TargetConnection, type TargetConnectionArgs } from "./targetConnection";
export { Dataflow, type DataflowArgs } from "./dataflow";
export { Dataset, type DatasetArgs } from "./dataset";
