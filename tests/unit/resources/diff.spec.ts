import assert from "node:assert/strict";
import {
  base as baseConnection,
  dataflow,
  dataset,
  provider,
  source as sourceConnection,
  target as targetConnection,
} from "../../../provider/runtime";
import { configureClient, resetClientForTests } from "../../../provider/client";
import { patchOperations } from "../../../provider/resources/flowServiceObject";
import { PACKAGE_VERSION } from "../../../provider/resources/packageCopy";
import { projectInputs } from "../../../provider/resources/values";
import { Dataflow } from "../../../provider/resources/dataflow";
import {
  baseConnectionInputs,
  dataflowInputs,
  datasetInputs,
  sourceConnectionInputs,
  mappingSetInputs,
  targetConnectionInputs,
  xdmSchemaInputs,
} from "../../fixtures/inputs";

const xdmSchema = provider("xdmSchema", PACKAGE_VERSION);
const mappingSet = provider("mappingSet", PACKAGE_VERSION);

/** What the state holds after create: the inputs plus the service's outputs. */
const asOutputs = (inputs: object) => ({
  ...inputs,
  etag: '"1a0037e4-0000-0200-0000-602e06f60000"',
  state: "enabled",
  createdAt: 1632809759000,
  updatedAt: 1632809759000,
  __provider: "serialized provider text",
});

type Impl = typeof baseConnection;
type Case = [
  description: string,
  change: (inputs: Record<string, any>) => void,
  replaces: string[] | "update",
];

function diffCases(
  impl: Impl,
  fixture: () => Record<string, any>,
  cases: Case[],
  deleteBeforeReplace = false,
) {
  it("reports no change when nothing changed, whatever the outputs and __provider hold", async () => {
    assert.deepEqual(
      await impl.diff("id", asOutputs(fixture()), { ...fixture(), __provider: "newer text" }),
      {
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      },
    );
  });
  for (const [description, change, replaces] of cases) {
    it(`${replaces === "update" ? "updates in place" : "replaces"} on ${description}`, async () => {
      const news = fixture();
      change(news);
      assert.deepEqual(await impl.diff("id", asOutputs(fixture()), news), {
        changes: true,
        replaces: replaces === "update" ? [] : replaces,
        deleteBeforeReplace: replaces !== "update" && deleteBeforeReplace,
      });
    });
  }
}

describe("diff", () => {
  describe("BaseConnection", () =>
    diffCases(baseConnection, baseConnectionInputs, [
      ["a new name", (i) => (i.name = "renamed"), "update"],
      ["a removed description", (i) => delete i.description, "update"],
      ["a rotated password", (i) => (i.auth.params.password = "rotated"), "update"],
      [
        "another connection spec",
        (i) => (i.connectionSpec.id = "2e8580db-6489-4726-96de-e33f5f60295f"),
        ["connectionSpec"],
      ],
      [
        "another auth type",
        (i) => (i.auth = { specName: "OAuth2 Refresh Code", params: { accessToken: "t" } }),
        ["auth.specName"],
      ],
    ]));

  describe("SourceConnection", () =>
    diffCases(sourceConnection, sourceConnectionInputs, [
      ["a new name", (i) => (i.name = "renamed"), "update"],
      ["an added description", (i) => (i.description = "about"), "update"],
      ["a new campaignId", (i) => (i.params.campaignId = "f00ba4"), ["params"]],
      ["another base connection", (i) => (i.baseConnectionId = "other"), ["baseConnectionId"]],
      ["another data format", (i) => (i.data.format = "parquet"), ["data"]],
    ]));

  describe("TargetConnection", () =>
    diffCases(targetConnection, targetConnectionInputs, [
      ["a new name", (i) => (i.name = "renamed"), "update"],
      ["another dataset", (i) => (i.params.dataSetId = "5c8c3c555033b814b69f947f"), ["params"]],
      [
        "another schema",
        (i) => (i.data.schema.id = "https://ns.adobe.com/acme/schemas/other"),
        ["data"],
      ],
    ]));

  describe("Dataflow", () =>
    diffCases(
      dataflow,
      () => ({
        ...dataflowInputs(),
        scheduleParams: { startTime: 4102444800, frequency: "minute", interval: 15 },
      }),
      [
        ["a new name", (i) => (i.name = "renamed"), "update"],
        [
          "a new frequency",
          (i) => Object.assign(i.scheduleParams, { frequency: "hour", interval: 2 }),
          "update",
        ],
        [
          "a later start that has not begun",
          (i) => (i.scheduleParams.startTime = 4102531200),
          "update",
        ],
        ["disabling", (i) => (i.enabled = false), "update"],
        [
          "a new mapping version",
          (i) =>
            (i.transformations = [
              { name: "Mapping", params: { mappingId: "m", mappingVersion: 1 } },
            ]),
          "update",
        ],
        [
          "added transformations",
          (i) =>
            (i.transformations = [
              { name: "Mapping", params: { mappingId: "m", mappingVersion: 0 } },
            ]),
          "update",
        ],
        [
          "another source connection",
          (i) => (i.sourceConnectionIds = ["new"]),
          ["sourceConnectionIds"],
        ],
        [
          "another target connection",
          (i) => (i.targetConnectionIds = ["new"]),
          ["targetConnectionIds"],
        ],
        [
          "another flow spec",
          (i) => (i.flowSpec.id = "14518937-270c-4525-bdec-c2ba7cce3860"),
          ["flowSpec"],
        ],
      ],
    ));

  describe("Dataset", () =>
    diffCases(dataset, datasetInputs, [
      ["a new name", (i) => (i.name = "renamed"), "update"],
      ["new tags", (i) => (i.tags = { unifiedProfile: ["enabled:true"] }), "update"],
      [
        "another schema",
        (i) => (i.schemaRef.id = "https://ns.adobe.com/acme/schemas/other"),
        ["schemaRef"],
      ],
    ]));

  describe("XdmSchema: deletes before replacing (titles are unique)", () =>
    diffCases(
      xdmSchema,
      xdmSchemaInputs,
      [
        ["a new title", (i) => (i.title = "renamed"), "update"],
        ["a new description", (i) => (i.description = "new words"), "update"],
        [
          "an added field group",
          (i) =>
            i.fieldGroupIds.push("https://ns.adobe.com/xdm/context/experienceevent-enduserids"),
          "update",
        ],
        ["enabling Profile", (i) => (i.profileEnabled = true), "update"],
        [
          "another class",
          (i) => (i.classId = "https://ns.adobe.com/xdm/context/profile"),
          ["classId"],
        ],
      ],
      true,
    ));

  describe("MappingSet: every change is a new version", () =>
    diffCases(mappingSet, mappingSetInputs, [
      [
        "an added mapping",
        (i) =>
          i.mappings.push({
            sourceType: "ATTRIBUTE",
            source: "campaign_id",
            destination: "eventType",
          }),
        "update",
      ],
      [
        "another output schema",
        (i) => (i.outputSchema = "https://ns.adobe.com/acme/schemas/other"),
        "update",
      ],
    ]));

  describe("Dataset profile enablement", () =>
    diffCases(dataset, () => ({ ...datasetInputs(), profileEnabled: false }), [
      ["profileEnabled", (i) => (i.profileEnabled = true), "update"],
    ]));

  it("replaces a dataflow whose schedule start moves after the schedule has begun", async () => {
    const news = dataflowInputs();
    news.scheduleParams.startTime = 1700000000;
    assert.deepEqual(await dataflow.diff("id", asOutputs(dataflowInputs()), news), {
      changes: true,
      replaces: ["scheduleParams.startTime"],
      deleteBeforeReplace: false,
    });
  });

  it("treats a value not known at preview as a change", async () => {
    const news = {
      ...dataflowInputs(),
      sourceConnectionIds: ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"],
    };
    assert.deepEqual((await dataflow.diff("id", asOutputs(dataflowInputs()), news)).replaces, [
      "sourceConnectionIds",
    ]);
  });
});

describe("patchOperations", () => {
  it("names exactly the changed schedule members, with add, replace and remove", () => {
    const olds = {
      ...dataflowInputs(),
      scheduleParams: { startTime: 1, frequency: "minute", interval: 15, backfill: true },
    };
    const news = {
      ...dataflowInputs(),
      name: "renamed",
      description: "new",
      scheduleParams: { startTime: 1, frequency: "once" },
    };
    const changed = Dataflow.definition.fields.filter((f) =>
      ["name", "description", "scheduleParams"].includes(f.path),
    );
    assert.deepEqual(patchOperations(olds, news, changed), [
      { op: "replace", path: "/name", value: "renamed" },
      { op: "add", path: "/description", value: "new" },
      { op: "replace", path: "/scheduleParams/frequency", value: "once" },
      { op: "remove", path: "/scheduleParams/interval" },
      { op: "remove", path: "/scheduleParams/backfill" },
    ]);
  });
});

describe("patchOperations of an array patched by element", () => {
  const rule = [{ path: "transformations", change: "patch-elements" as const }];
  const mapping = (version: number) => ({
    name: "Mapping",
    params: { mappingId: "m", mappingVersion: version },
  });
  const copy = { name: "Copy", params: { deltaColumn: { name: "updatedAt" } } };

  it("replaces only the changed element, at its own index (Copy stays at 0)", () => {
    assert.deepEqual(
      patchOperations(
        { transformations: [copy, mapping(0)] },
        { transformations: [copy, mapping(2)] },
        rule,
      ),
      [{ op: "replace", path: "/transformations/1", value: mapping(2) }],
    );
  });

  it("replaces, adds or removes the whole array when its length changes", () => {
    assert.deepEqual(
      patchOperations(
        { transformations: [mapping(0)] },
        { transformations: [copy, mapping(0)] },
        rule,
      ),
      [{ op: "replace", path: "/transformations", value: [copy, mapping(0)] }],
    );
    assert.deepEqual(patchOperations({}, { transformations: [mapping(0)] }, rule), [
      { op: "add", path: "/transformations", value: [mapping(0)] },
    ]);
    assert.deepEqual(patchOperations({ transformations: [mapping(0)] }, {}, rule), [
      { op: "remove", path: "/transformations" },
    ]);
  });
});

describe("diff when the configured sandbox or org moved", () => {
  const ORG = "0123456789ABCDEF01234567@AdobeOrg";
  const OTHER_ORG = "FEDCBA9876543210FEDCBA98@AdobeOrg";
  const recorded = (location: object) => ({ ...asOutputs(datasetInputs()), ...location });
  /** What `check` returns: the configured location next to the declared inputs. */
  const configured = (location: object) => ({ ...datasetInputs(), __provider: "t", ...location });

  it("replaces an object recorded in another sandbox, naming sandboxName", async () => {
    assert.deepEqual(
      await dataset.diff(
        "id",
        recorded({ sandboxName: "prod", imsOrgId: ORG }),
        configured({ sandboxName: "dev", imsOrgId: ORG }),
      ),
      { changes: true, replaces: ["sandboxName"], deleteBeforeReplace: false },
    );
  });

  it("replaces an object recorded in another org, naming imsOrgId", async () => {
    assert.deepEqual(
      await dataset.diff(
        "id",
        recorded({ sandboxName: "dev", imsOrgId: OTHER_ORG }),
        configured({ sandboxName: "dev", imsOrgId: ORG }),
      ),
      { changes: true, replaces: ["imsOrgId"], deleteBeforeReplace: false },
    );
  });

  it("reports no change where they agree, or where either side has no location", async () => {
    const unchanged = { changes: false, replaces: [], deleteBeforeReplace: false };
    const here = { sandboxName: "dev", imsOrgId: ORG };
    assert.deepEqual(await dataset.diff("id", recorded(here), configured(here)), unchanged);
    assert.deepEqual(await dataset.diff("id", recorded({}), configured(here)), unchanged);
    assert.deepEqual(await dataset.diff("id", recorded(here), configured({})), unchanged);
  });
});

describe("check adds the configured location to the inputs", () => {
  const ORG = "0123456789ABCDEF01234567@AdobeOrg";
  afterEach(() => {
    resetClientForTests();
  });

  it("adds sandboxName and imsOrgId, and leaves them out while the org is not set", async () => {
    resetClientForTests();
    configureClient(
      new Map([
        ["aep:orgId", ORG],
        ["aep:sandboxName", "dev"],
      ]),
    );
    const news = { ...datasetInputs(), __provider: "t" };
    assert.deepEqual(await dataset.check({}, news), {
      inputs: { ...news, sandboxName: "dev", imsOrgId: ORG },
    });
    // A location left in the proposed inputs (old state) is not an argument the schema refuses.
    assert.deepEqual(await dataset.check({}, { ...news, sandboxName: "prod" }), {
      inputs: { ...news, sandboxName: "dev", imsOrgId: ORG },
    });
    const saved = process.env.AEP_ORG_ID;
    delete process.env.AEP_ORG_ID;
    try {
      configureClient(new Map());
      assert.deepEqual(await dataset.check({}, news), { inputs: news });
    } finally {
      if (saved !== undefined) process.env.AEP_ORG_ID = saved;
    }
  });
});

describe("projectInputs", () => {
  it("reads empty optional values Adobe adds as unset, when the user never set them", () => {
    const remote = { name: "n", tags: {}, transformations: [], description: null };
    assert.deepEqual(
      projectInputs(remote, { name: "old" }, ["name", "tags", "transformations", "description"]),
      {
        name: "n",
      },
    );
  });

  it("leaves out inputs the last known inputs do not declare, and keeps everything when importing", () => {
    const remote = { name: "n", tags: { a: ["b"] }, transformations: [] };
    assert.deepEqual(projectInputs(remote, { name: "old" }, ["name", "tags"]), { name: "n" });
    assert.deepEqual(projectInputs(remote, undefined, ["name", "transformations"]), {
      name: "n",
      transformations: [],
    });
  });
});
