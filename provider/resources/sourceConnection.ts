/**
 * `aep:SourceConnection`: what to read from a source account (Flow Service `/sourceConnections`),
 * for example the Mailchimp campaign to ingest.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { FieldRule } from "./engine";
import { flowServiceDefinition } from "./flowServiceObject";
import type { ResourceArgs } from "./inputTypes";
import { FlowServiceResource } from "./flowServiceResource";
import { checkKnownParams, parameterMap, requiredString, specReference } from "./validation";

const schema = z
  .object({
    name: requiredString("name the source connection as it should appear in Experience Platform"),
    description: z.string().optional(),
    baseConnectionId: requiredString("pass the `id` of a BaseConnection"),
    connectionSpec: specReference("connection spec"),
    data: z
      .object({ format: requiredString(`the data format, such as "json" for Mailchimp`) })
      .loose(),
    params: parameterMap,
  })
  .strict()
  .superRefine((inputs, ctx) => checkKnownParams(inputs.connectionSpec.id, inputs.params, ctx));

type SourceConnectionInputs = z.output<typeof schema>;
export type SourceConnectionArgs = ResourceArgs<z.input<typeof schema>>;

/**
 * Only the name and description are patched in place. Adobe advises against editing the source
 * connection of a live flow (the flow does not pick the change up), so any other change replaces
 * the source connection, and with its new id, the dataflows that use it.
 */
export const sourceConnectionFields: readonly FieldRule[] = [
  { path: "name", change: "patch" },
  { path: "description", change: "patch" },
  { path: "baseConnectionId", change: "replace" },
  { path: "connectionSpec", change: "replace" },
  { path: "data", change: "replace" },
  { path: "params", change: "replace" },
];

const definition = flowServiceDefinition<SourceConnectionInputs>({
  key: "source",
  typeName: "SourceConnection",
  schema,
  fields: sourceConnectionFields,
  collection: "sourceConnections",
  inputKeys: ["name", "description", "baseConnectionId", "connectionSpec", "data", "params"],
  specPath: "connectionSpec.id",
});

/**
 * A Flow Service source connection: which data of a base connection's account to ingest.
 *
 * ```ts
 * const source = new SourceConnection("campaign", {
 *   name: "Mailchimp campaign c66a200cda",
 *   baseConnectionId: base.id,
 *   connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
 *   data: { format: "json" },
 *   params: { campaignId: "c66a200cda" },
 * });
 * ```
 */
export class SourceConnection extends FlowServiceResource {
  /** @internal What the provider process builds this type's provider from (runtime.ts). */
  static readonly definition = definition;

  declare readonly baseConnectionId: pulumi.Output<string>;
  declare readonly connectionSpec: pulumi.Output<SourceConnectionInputs["connectionSpec"]>;
  declare readonly data: pulumi.Output<SourceConnectionInputs["data"]>;
  declare readonly params: pulumi.Output<SourceConnectionInputs["params"]>;

  constructor(name: string, args: SourceConnectionArgs, opts?: pulumi.CustomResourceOptions) {
    super(definition, name, args, opts);
  }
}
