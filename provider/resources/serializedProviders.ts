/**
 * The provider objects Pulumi serializes into each resource's `__provider`.
 *
 * Pulumi stores a dynamic provider as code in the state, with everything its methods capture.
 * So these methods capture nothing: at call time, in Pulumi's provider process, they load the
 * real implementation by package name (`pulumi-aep-flow/runtime`, resolved from the program's
 * folder) and delegate to it. No client, schema, credential or local path ends up in the state,
 * and state written by an older release runs the implementation installed today.
 *
 * Why the repetition: the serializer wraps every method in its own ~200 bytes of boilerplate and
 * copies whatever a method captures into each wrapper. Literal, capture-free one-liners are what
 * keeps a seven-method provider under 2 KB (tested in tests/unit/serialization.spec.ts).
 * One object per resource type, at module level: Pulumi caches the serialized text by identity.
 */
import type * as pulumi from "@pulumi/pulumi";

type Provider = pulumi.dynamic.ResourceProvider;

export const baseConnectionProvider: Provider = {
  configure: (...a) => require("pulumi-aep-flow/runtime").base.configure(...a),
  check: (...a) => require("pulumi-aep-flow/runtime").base.check(...a),
  diff: (...a) => require("pulumi-aep-flow/runtime").base.diff(...a),
  create: (...a) => require("pulumi-aep-flow/runtime").base.create(...a),
  read: (...a) => require("pulumi-aep-flow/runtime").base.read(...a),
  update: (...a) => require("pulumi-aep-flow/runtime").base.update(...a),
  delete: (...a) => require("pulumi-aep-flow/runtime").base.delete(...a),
};

export const sourceConnectionProvider: Provider = {
  configure: (...a) => require("pulumi-aep-flow/runtime").source.configure(...a),
  check: (...a) => require("pulumi-aep-flow/runtime").source.check(...a),
  diff: (...a) => require("pulumi-aep-flow/runtime").source.diff(...a),
  create: (...a) => require("pulumi-aep-flow/runtime").source.create(...a),
  read: (...a) => require("pulumi-aep-flow/runtime").source.read(...a),
  update: (...a) => require("pulumi-aep-flow/runtime").source.update(...a),
  delete: (...a) => require("pulumi-aep-flow/runtime").source.delete(...a),
};

export const targetConnectionProvider: Provider = {
  configure: (...a) => require("pulumi-aep-flow/runtime").target.configure(...a),
  check: (...a) => require("pulumi-aep-flow/runtime").target.check(...a),
  diff: (...a) => require("pulumi-aep-flow/runtime").target.diff(...a),
  create: (...a) => require("pulumi-aep-flow/runtime").target.create(...a),
  read: (...a) => require("pulumi-aep-flow/runtime").target.read(...a),
  update: (...a) => require("pulumi-aep-flow/runtime").target.update(...a),
  delete: (...a) => require("pulumi-aep-flow/runtime").target.delete(...a),
};

export const dataflowProvider: Provider = {
  configure: (...a) => require("pulumi-aep-flow/runtime").dataflow.configure(...a),
  check: (...a) => require("pulumi-aep-flow/runtime").dataflow.check(...a),
  diff: (...a) => require("pulumi-aep-flow/runtime").dataflow.diff(...a),
  create: (...a) => require("pulumi-aep-flow/runtime").dataflow.create(...a),
  read: (...a) => require("pulumi-aep-flow/runtime").dataflow.read(...a),
  update: (...a) => require("pulumi-aep-flow/runtime").dataflow.update(...a),
  delete: (...a) => require("pulumi-aep-flow/runtime").dataflow.delete(...a),
};

export const datasetProvider: Provider = {
  configure: (...a) => require("pulumi-aep-flow/runtime").dataset.configure(...a),
  check: (...a) => require("pulumi-aep-flow/runtime").dataset.check(...a),
  diff: (...a) => require("pulumi-aep-flow/runtime").dataset.diff(...a),
  create: (...a) => require("pulumi-aep-flow/runtime").dataset.create(...a),
  read: (...a) => require("pulumi-aep-flow/runtime").dataset.read(...a),
  update: (...a) => require("pulumi-aep-flow/runtime").dataset.update(...a),
  delete: (...a) => require("pulumi-aep-flow/runtime").dataset.delete(...a),
};
