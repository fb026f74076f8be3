/**
 * The provider methods as they run inside Pulumi's provider process, one set per resource type.
 * The serialized providers (resources/serializedProviders.ts) load this module by package name,
 * `pulumi-aep-flow/runtime`, so it is the only code path between the state and Adobe's API.
 */
import { baseConnectionDefinition } from "./resources/baseConnection";
import { dataflowDefinition } from "./resources/dataflow";
import { datasetDefinition } from "./resources/dataset";
import { implementResource } from "./resources/engine";
import { sourceConnectionDefinition } from "./resources/sourceConnection";
import { targetConnectionDefinition } from "./resources/targetConnection";

// Short names: serialized providers spell them out in every method (see serializedProviders.ts).
export const base = implementResource(baseConnectionDefinition);
export const source = implementResource(sourceConnectionDefinition);
export const target = implementResource(targetConnectionDefinition);
export const dataflow = implementResource(dataflowDefinition);
export const dataset = implementResource(datasetDefinition);
