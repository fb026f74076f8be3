/**
 * The base class of the four Flow Service resources: the outputs Flow Service adds to every
 * object, declared once.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AepResource, type OutputSlots, type ResourceIdentity } from "./aepResource";
import { FLOW_SERVICE_OUTPUTS } from "./flowServiceObject";

export abstract class FlowServiceResource extends AepResource {
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  /** Flow Service's version tag, quotes included; it changes with every update. */
  declare readonly etag: pulumi.Output<string>;
  /** `enabled` or `disabled` (or a transitional state Flow Service reports). */
  declare readonly state: pulumi.Output<string>;
  /** Epoch milliseconds. */
  declare readonly createdAt: pulumi.Output<number>;
  /** Epoch milliseconds. */
  declare readonly updatedAt: pulumi.Output<number>;

  /** `slots.outputs` are this type's outputs beyond the common ones. */
  protected constructor(
    definition: ResourceIdentity,
    name: string,
    args: object,
    opts: pulumi.CustomResourceOptions | undefined,
    slots: OutputSlots = {},
  ) {
    super(definition, name, args, opts, {
      optionalInputs: ["description", ...(slots.optionalInputs ?? [])],
      outputs: [...FLOW_SERVICE_OUTPUTS, ...(slots.outputs ?? [])],
    });
  }
}
