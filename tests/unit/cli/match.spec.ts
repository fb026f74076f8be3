// Which remote objects an interrupted create may have made: the matching rules of aep-flow recover.
import assert from "node:assert/strict";
import { kindOf, TYPE_PREFIX, type ResourceKind } from "../../../provider/cli/recover/kinds";
import {
  CLOCK_SKEW_MS,
  matchCreated,
  UnreadableInputError,
  type Candidate,
} from "../../../provider/cli/recover/match";
import { sourceConnectionInputs, targetConnectionInputs } from "../../fixtures/inputs";

const SOURCE = kindOf(`${TYPE_PREFIX}SourceConnection`)!;
const TARGET = kindOf(`${TYPE_PREFIX}TargetConnection`)!;
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

  it("refuses to compare an identity input that is a secret in the state", () => {
    const secret = {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      ciphertext: "x",
    };
    assert.throws(
      () => match(SOURCE, { ...inputs, baseConnectionId: secret }, [candidate("a", inputs)]),
      (error: Error) =>
        error instanceof UnreadableInputError &&
        error.message ===
          "SourceConnection input `baseConnectionId` is a secret in the state, so its object cannot be recognised",
    );
  });
});
