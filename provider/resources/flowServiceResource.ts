/**
 * The base class of the four Flow Service resources: the outputs Flow Service adds to every
 * object, declared once.
 */
import * as pulumi from "@pulumi/pulumi";
import { FLOW_SERVICE_OUTPUTS, outputSlots } from "./inputTypes";

export abstract class FlowServiceResource extends pulumi.dynamic.Resource {
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
  declare readonly sandboxName: pulumi.Output<string>;
  declare readonly imsOrgId: pulumi.Output<string>;

  /**
   * @param optionalInputs inputs the caller may leave out, which still need an output slot
   * @param extraOutputs outputs of this type beyond the common ones
   */
  protected constructor(
    type: string,
    provider: pulumi.dynamic.ResourceProvider,
    name: string,
    args: object,
    opts: pulumi.CustomResourceOptions | undefined,
    slots: { optionalInputs?: string[]; extraOutputs?: string[] } = {},
  ) {
    super(
      provider,
      name,
      {
        ...outputSlots("description", ...(slots.optionalInputs ?? [])),
        ...args,
        ...outputSlots(...FLOW_SERVICE_OUTPUTS, ...(slots.extraOutputs ?? [])),
      },
      opts,
      "aep",
      type,
    );
  }
}
