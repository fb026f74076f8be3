// Which remote objects an interrupted create may have made: the matching rules of aep-flow recover.
import assert from "node:assert/strict";
import {
  kindOf,
  RESOURCE_KINDS,
  TYPE_PREFIX,
  type ResourceKind,
} from "../../../provider/cli/recover/kinds";
import {
  CLOCK_SKEW_MS,
  matchCreated,
  UnreadableInputError,
  type Candidate,
} from "../../../provider/cli/recover/match";
import * as registry from "../../../provider/resources/registry";
import {
  mappingSetInputs,
  sourceConnectionInputs,
  targetConnectionInputs,
  xdmSchemaInputs,
} from "../../fixtures/inputs";
import { CIPHERTEXT } from "./fixtures";

const SOURCE = kindOf(`${TYPE_PREFIX}SourceConnection`)!;
const TARGET = kindOf(`${TYPE_PREFIX}TargetConnection`)!;
const SCHEMA = kindOf(`${TYPE_PREFIX}XdmSchema`)!;
const MAPPING = kindOf(`${TYPE_PREFIX}MappingSet`)!;
/** When the interrupted run started (the stack's last completed update ended). */
const STARTED = Date.parse("2026-03-02T10:00:00Z");
const NO_STATE = new Map<string, string>();

function candidate(
  id: string,
  object: Record<string, unknown>,
  createdAt = STARTED + 1_000,
): Candidate {
  return { id, createdAt, object: { id, ...object } };
}

function match(
  kind: ResourceKind,
  inputs: Record<string, unknown>,
  candidates: Candidate[],
  idsInState = NO_STATE,
) {
  return matchCreated(kind, inputs, candidates, { startedAfter: STARTED, idsInState });
}

describe("aep-flow recover: matching an interrupted create", () => {
  const inputs = sourceConnectionInputs();

  it("no candidate: nothing was created", () => {
    assert.deepEqual(match(SOURCE, inputs, []), { matches: [], rejected: [] });
  });

  it("one object of the same name, spec and base connection, created during the run", () => {
    const made = candidate("a", inputs);
    assert.deepEqual(match(SOURCE, inputs, [made]), { matches: [made], rejected: [] });
  });

  it("several such objects: all are reported, none is chosen", () => {
    const result = match(SOURCE, inputs, [candidate("a", inputs), candidate("b", inputs)]);
    assert.deepEqual(
      result.matches.map((m) => m.id),
      ["a", "b"],
    );
  });

  it("an object the state already holds is not a leak", () => {
    const result = match(
      SOURCE,
      inputs,
      [candidate("old", inputs), candidate("new", inputs)],
      new Map([["old", "urn:pulumi:dev::p::pulumi-nodejs:dynamic/aep:SourceConnection::campaign"]]),
    );
    assert.deepEqual(
      result.matches.map((m) => m.id),
      ["new"],
    );
    assert.deepEqual(result.rejected, [
      {
        id: "old",
        reason:
          "already in the state as urn:pulumi:dev::p::pulumi-nodejs:dynamic/aep:SourceConnection::campaign",
      },
    ]);
  });

  it("an object created before the run, beyond the clock skew allowance, is someone else's", () => {
    const early = candidate("early", inputs, STARTED - CLOCK_SKEW_MS - 1);
    const skewed = candidate("skewed", inputs, STARTED - CLOCK_SKEW_MS + 1);
    const result = match(SOURCE, inputs, [early, skewed]);
    assert.deepEqual(result.matches, [skewed]);
    assert.deepEqual(result.rejected, [
      {
        id: "early",
        reason: `created ${new Date(STARTED - CLOCK_SKEW_MS - 1).toISOString()}, before the interrupted run`,
      },
    ]);
  });

  it("without a known start (a first run), the time does not rule anything out", () => {
    const old = candidate("old", inputs, 0);
    const result = matchCreated(SOURCE, inputs, [old], {
      startedAfter: undefined,
      idsInState: NO_STATE,
    });
    assert.deepEqual(result.matches, [old]);
  });

  it("another name, spec or base connection is another object", () => {
    const result = match(SOURCE, inputs, [
      candidate("renamed", { ...inputs, name: "Mailchimp campaign C66A200CDA" }),
      candidate("spec", { ...inputs, connectionSpec: { id: "another-spec", version: "1.0" } }),
      candidate("base", { ...inputs, baseConnectionId: "another-base" }),
    ]);
    assert.deepEqual(result.matches, []);
    assert.deepEqual(result.rejected, [
      { id: "renamed", reason: "another name" },
      { id: "spec", reason: "another connectionSpec.id" },
      { id: "base", reason: "another baseConnectionId" },
    ]);
  });

  it("an identity input the create did not declare is not compared (a Data Lake target has no base)", () => {
    const target = targetConnectionInputs();
    const made = candidate("t", { ...target, baseConnectionId: "whatever" });
    assert.deepEqual(match(TARGET, target, [made]).matches, [made]);
    const otherDataset = candidate("d", { ...target, params: { dataSetId: "another" } });
    assert.deepEqual(match(TARGET, target, [otherDataset]).rejected, [
      { id: "d", reason: "another params.dataSetId" },
    ]);
  });

  it("refuses to compare a name (a schema's title) or an identity input that is a secret in the state", () => {
    const schema = xdmSchemaInputs();
    const cases = [
      { kind: SOURCE, inputs: { ...inputs, baseConnectionId: CIPHERTEXT }, made: inputs },
      { kind: SCHEMA, inputs: { ...schema, title: CIPHERTEXT }, made: schema },
    ];
    const expected = [
      "SourceConnection input `baseConnectionId` is a secret in the state, so its object cannot be recognised",
      "XdmSchema input `title` is a secret in the state, so its object cannot be recognised",
    ];
    cases.forEach(({ kind, inputs: declared, made }, index) =>
      assert.throws(
        () => match(kind, declared, [candidate("a", made)]),
        (error: Error) =>
          error instanceof UnreadableInputError && error.message === expected[index],
      ),
    );
  });
});

describe("aep-flow recover: the resource types it knows", () => {
  it("every resource of the registry, under the registry's type name and provider key, in delete order", () => {
    const registered = Object.values(registry).map(({ definition }) => definition);
    assert.deepEqual(
      RESOURCE_KINDS.map((kind) => [kind.type, kind.runtimeKey]).sort(),
      registered.map((d) => [`${TYPE_PREFIX}${d.typeName}`, d.key]).sort(),
    );
    // A flow before its connections, the base connection after them, the schema last.
    assert.deepEqual(
      [...RESOURCE_KINDS]
        .sort((a, b) => a.deleteOrder - b.deleteOrder)
        .map((kind) => [kind.deleteOrder, kind.label]),
      [
        [0, "Dataflow"],
        [1, "SourceConnection"],
        [1, "TargetConnection"],
        [2, "BaseConnection"],
        [3, "Dataset"],
        [4, "MappingSet"],
        [5, "XdmSchema"],
      ],
    );
    assert.deepEqual(
      RESOURCE_KINDS.filter((kind) => kind.undeletable !== undefined).map((kind) => kind.label),
      ["MappingSet"],
    );
  });

  it("reads a remote schema and mapping set as the provider does: as inputs, with their creation time", () => {
    const remoteSchema = {
      $id: "https://ns.adobe.com/acme/schemas/9d1f",
      "meta:altId": "_acme.schemas.9d1f",
      version: "1.1",
      title: "Mailchimp email activity",
      "meta:class": "https://ns.adobe.com/xdm/context/experienceevent",
      allOf: [
        { $ref: "https://ns.adobe.com/xdm/context/experienceevent" },
        { $ref: "https://ns.adobe.com/xdm/context/experienceevent-marketing" },
      ],
      "meta:registryMetadata": { "repo:createdDate": STARTED + 7, "repo:lastModifiedDate": 1 },
    };
    assert.deepEqual(SCHEMA.inputsOf(remoteSchema), {
      title: "Mailchimp email activity",
      classId: "https://ns.adobe.com/xdm/context/experienceevent",
      fieldGroupIds: ["https://ns.adobe.com/xdm/context/experienceevent-marketing"],
      profileEnabled: false,
    });
    assert.equal(SCHEMA.outputsOf(remoteSchema)[SCHEMA.createdOutput], STARTED + 7);
    const remoteSet = { id: "m", version: 0, createdDate: STARTED + 8, ...mappingSetLike() };
    assert.deepEqual(MAPPING.inputsOf(remoteSet), mappingSetInputs());
    assert.equal(MAPPING.outputsOf(remoteSet)[MAPPING.createdOutput], STARTED + 8);
  });
});

/** A mapping set as the client reads it (the output schema under `xdmSchema`). */
function mappingSetLike() {
  const { outputSchema, mappings } = mappingSetInputs();
  return { xdmSchema: outputSchema, mappings };
}

describe("aep-flow recover: matching an interrupted XdmSchema or MappingSet create", () => {
  const location = { sandboxName: "dev", imsOrgId: "o" };

  it("a schema by its title and class, a mapping set (no name) by its schema and mappings", () => {
    for (const [kind, declared] of [
      [SCHEMA, xdmSchemaInputs()],
      [MAPPING, mappingSetInputs()],
    ] as const) {
      const made = candidate("made", declared);
      assert.deepEqual(match(kind, { ...declared, ...location }, [made]), {
        matches: [made],
        rejected: [],
      });
    }
  });

  it("another title or another class is another schema; field groups may differ", () => {
    const result = match(SCHEMA, { ...xdmSchemaInputs(), ...location }, [
      candidate("s-title", { ...xdmSchemaInputs(), title: "Mailchimp email activity (old)" }),
      candidate("s-class", {
        ...xdmSchemaInputs(),
        classId: "https://ns.adobe.com/xdm/context/profile",
      }),
      candidate("s-groups", { ...xdmSchemaInputs(), fieldGroupIds: [] }),
    ]);
    assert.deepEqual(
      result.matches.map((m) => m.id),
      ["s-groups"],
    );
    assert.deepEqual(result.rejected, [
      { id: "s-title", reason: "another title" },
      { id: "s-class", reason: "another classId" },
    ]);
  });

  it("another schema, other mappings or the same mappings in another order is another set", () => {
    const [first, second] = mappingSetInputs().mappings;
    const result = match(MAPPING, { ...mappingSetInputs(), ...location }, [
      candidate("m-schema", { ...mappingSetInputs(), outputSchema: "https://ns.adobe.com/acme/x" }),
      candidate("m-mappings", { ...mappingSetInputs(), mappings: [first] }),
      candidate("m-order", { ...mappingSetInputs(), mappings: [second, first] }),
      candidate("m-early", mappingSetInputs(), STARTED - CLOCK_SKEW_MS - 1),
    ]);
    assert.deepEqual(result.matches, []);
    assert.deepEqual(result.rejected, [
      { id: "m-schema", reason: "another outputSchema" },
      { id: "m-mappings", reason: "another mappings" },
      { id: "m-order", reason: "another mappings" },
      {
        id: "m-early",
        reason: `created ${new Date(STARTED - CLOCK_SKEW_MS - 1).toISOString()}, before the interrupted run`,
      },
    ]);
  });
});
