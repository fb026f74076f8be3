// The state aep-flow recover writes back: pending operations removed, adopted objects recorded.
import assert from "node:assert/strict";
import {
  adoptedOutputs,
  readableInputs,
  recoveredState,
} from "../../../provider/cli/recover/apply";
import { TYPE_PREFIX } from "../../../provider/cli/recover/kinds";
import { baseConnectionInputs, sourceConnectionInputs } from "../../fixtures/inputs";
import { CIPHERTEXT, deployment, resource } from "./fixtures";

const SOURCE = `${TYPE_PREFIX}SourceConnection`;
const BASE = `${TYPE_PREFIX}BaseConnection`;
const FLOW = `${TYPE_PREFIX}Dataflow`;
const NOW = new Date("2026-03-02T10:30:00.000Z");
const source = sourceConnectionInputs();
const serviceOutputs = {
  etag: '"e-1"',
  state: "enabled",
  createdAt: 1,
  updatedAt: 1,
  sandboxName: "dev",
  imsOrgId: "o",
};

describe("aep-flow recover: the state written back", () => {
  it("records an adopted create after everything else and removes its pending operation", () => {
    const pending = resource(SOURCE, "campaign", source, { dependencies: ["urn:base"] });
    const before = deployment([], [{ type: "creating", resource: pending }]);
    const after = recoveredState(
      before,
      [],
      [{ index: 0, id: "s-1", outputs: { ...source, ...serviceOutputs } }],
      NOW,
    );
    const resources = after.deployment.resources as Array<Record<string, unknown>>;
    assert.equal(resources.length, 3);
    assert.deepEqual(resources[2], {
      ...pending,
      id: "s-1",
      outputs: { ...source, ...serviceOutputs },
      created: NOW.toISOString(),
      modified: NOW.toISOString(),
    });
    assert.equal("pending_operations" in after.deployment, false);
    // The export it started from is left as it was.
    assert.equal((before.deployment.pending_operations as unknown[]).length, 1);
    assert.equal((before.deployment.resources as unknown[]).length, 2);
  });

  it("marks the old copy of a replaced resource for deletion, as the engine does", () => {
    const old = resource(SOURCE, "campaign", source, { id: "s-old", outputs: {} });
    const pending = resource(SOURCE, "campaign", {
      ...source,
      params: { campaignId: "b7e1f04a2c" },
    });
    const after = recoveredState(
      deployment([old], [{ type: "creating", resource: pending }]),
      [],
      [{ index: 0, id: "s-new", outputs: {} }],
      NOW,
    );
    const copies = (after.deployment.resources as Array<Record<string, unknown>>).filter(
      (r) => r.urn === old.urn,
    );
    assert.deepEqual(
      copies.map((r) => [r.id, r.delete]),
      [
        ["s-old", true],
        ["s-new", undefined],
      ],
    );
  });

  it("clears the resolved operations and keeps the others", () => {
    const flow = resource(FLOW, "flow", { name: "f" }, { id: "f-1" });
    const foreign = {
      type: "creating",
      resource: { urn: "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", type: "aws:s3/bucket:Bucket" },
    };
    const after = recoveredState(
      deployment(
        [flow],
        [
          { type: "updating", resource: flow },
          foreign,
          { type: "creating", resource: resource(SOURCE, "s", source) },
        ],
      ),
      [0, 2],
      [],
      NOW,
    );
    assert.deepEqual(after.deployment.pending_operations, [foreign]);
    assert.equal((after.deployment.resources as unknown[]).length, 3);
  });

  it("outputs: the provider's read, with the serialized provider and the encrypted secrets of the create", () => {
    const inputs = { ...baseConnectionInputs(), auth: CIPHERTEXT };
    const pending = resource(BASE, "account", inputs, { additionalSecretOutputs: ["auth"] });
    const read = {
      props: {
        ...baseConnectionInputs(),
        auth: {
          specName: "Basic Authentication",
          params: { username: "mc-user", password: "********" },
        },
        ...serviceOutputs,
      },
      inputs: baseConnectionInputs(),
    };
    assert.deepEqual(adoptedOutputs(pending, read), {
      ...baseConnectionInputs(),
      ...serviceOutputs,
      __provider: "exports.handler = __f0;",
      auth: CIPHERTEXT,
    });
    // What the provider's read is given: no provider text, no secret it could not decrypt anyway.
    const { auth: _auth, ...readable } = baseConnectionInputs();
    assert.deepEqual(readableInputs(pending), readable);
  });

  it("outputs: a secret output the create's inputs do not carry is handed to Pulumi to encrypt", () => {
    const pending = resource(SOURCE, "campaign", source, { additionalSecretOutputs: ["params"] });
    const outputs = adoptedOutputs(pending, {
      props: { ...source, ...serviceOutputs },
      inputs: source,
    });
    assert.deepEqual(outputs.params, {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      plaintext: JSON.stringify(source.params),
    });
  });
});
