/**
 * pulumi-aep-flow: Pulumi resources for Adobe Experience Platform Flow Service.
 *
 * Declare a source-to-data-lake pipeline (base connection, source connection, dataset, target
 * connection, dataflow); Pulumi wires the ids between them and turns changes into PATCHes or
 * replacements. Credentials and endpoints come from the `aep:*` stack config or `AEP_*`
 * environment variables (see the README).
 */
export * from "./resources/registry";
export {
  connectionSpecIds,
  flowSpecIds,
  XDM_FULL_SCHEMA_VERSION,
  XDM_SCHEMA_CONTENT_TYPE,
} from "./resources/specCatalog";
export {
  DataLakePipeline,
  type DataLakePipelineArgs,
  type ExistingObject,
} from "./components/dataLakePipeline";
