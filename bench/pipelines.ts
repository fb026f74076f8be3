/**
 * The stacks the benchmark deploys: N copies of the Mailchimp example's five objects (dataset,
 * base connection, source connection, target connection, dataflow), wired the same way, declared
 * either with this package's resources or with no-op dynamic resources that get the very same
 * inputs (the engine floor). One builder serves both, so the two stacks differ only in providers.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import * as aep from "../provider";
import type { Collection } from "../provider/emulator/types";

export const KINDS = ["dataset", "base", "source", "target", "flow"] as const;
export type Kind = (typeof KINDS)[number];

/** What each object needs to exist before it is created (the example's id wiring). */
export const DEPENDS_ON: Record<Kind, readonly Kind[]> = {
  dataset: [],
  base: [],
  source: ["base"],
  target: ["dataset"],
  flow: ["source", "target"],
};

/** The emulator collection each kind lives in. */
export const COLLECTION_OF: Record<Kind, Collection> = {
  dataset: "dataSets",
  base: "connections",
  source: "sourceConnections",
  target: "targetConnections",
  flow: "flows",
};

/** The `$id` of the XDM schema every dataset follows: Catalog needs it to exist (see useSchema). */
let schemaId = "";

/** Sets the schema the programs' datasets and targets name (created in the emulator first). */
export function useSchema(id: string): void {
  schemaId = id;
}
/** Kept out of the state in plaintext: the base connection passes it as a secret. */
export const MAILCHIMP_PASSWORD = "mc-api-key-bench-0d5e1b8a-us21";
/** 2030-01-01: never reached, so the emulator schedules no run during the benchmark. */
const START_TIME = 1893456000;

export function resourceName(pipeline: number, kind: Kind): string {
  return `p${pipeline}-${kind}`;
}

/** The pipeline and kind of a benchmark resource, from its logical name or display name. */
export function parseResourceName(name: string): { pipeline: number; kind: Kind } | undefined {
  const match = /^p(\d+)-(\w+)$/.exec(name);
  const kind = KINDS.find((k) => k === match?.[2]);
  return match && kind ? { pipeline: Number(match[1]), kind } : undefined;
}

/** The pipeline a display name belongs to (`p17 Mailchimp account` -> 17). */
export function pipelineOfDisplayName(name: unknown): number | undefined {
  const match = typeof name === "string" ? /^p(\d+) /.exec(name) : null;
  return match ? Number(match[1]) : undefined;
}

/** Declares one resource of a kind; returns its id. */
type Declare = (kind: Kind, name: string, args: Record<string, unknown>) => pulumi.Output<string>;

/**
 * The example's five objects for each pipeline. `revision` is the benchmark's "one field on every
 * dataflow": bumping it renames every dataflow (a PATCH, no replacement).
 */
function declarePipelines(count: number, revision: number, declare: Declare): void {
  for (let i = 0; i < count; i++) {
    const prefix = `p${i}`;
    const dataset = declare("dataset", resourceName(i, "dataset"), {
      name: `${prefix} Mailchimp campaign activity`,
      description: "Email activity of a Mailchimp campaign, ingested by a Flow Service dataflow.",
      schemaRef: { id: schemaId },
    });
    const base = declare("base", resourceName(i, "base"), {
      name: `${prefix} Mailchimp account`,
      description: "Mailchimp account, Basic Authentication (account name and API key).",
      connectionSpec: { id: aep.connectionSpecIds.mailchimpCampaign, version: "1.0" },
      auth: {
        specName: "Basic Authentication",
        params: { username: "bench-mailchimp-user", password: pulumi.secret(MAILCHIMP_PASSWORD) },
      },
    });
    const source = declare("source", resourceName(i, "source"), {
      name: `${prefix} Mailchimp campaign`,
      baseConnectionId: base,
      connectionSpec: { id: aep.connectionSpecIds.mailchimpCampaign, version: "1.0" },
      data: { format: "json" },
      params: { campaignId: `c${String(i).padStart(9, "0")}` },
    });
    const target = declare("target", resourceName(i, "target"), {
      name: `${prefix} Mailchimp campaign activity (data lake)`,
      connectionSpec: { id: aep.connectionSpecIds.dataLake, version: "1.0" },
      data: {
        format: "parquet_xdm",
        schema: { id: schemaId, version: aep.XDM_FULL_SCHEMA_VERSION },
      },
      params: { dataSetId: dataset },
    });
    declare("flow", resourceName(i, "flow"), {
      name: `${prefix} Mailchimp campaign to data lake${revision > 0 ? ` (rev ${revision})` : ""}`,
      flowSpec: { id: aep.flowSpecIds.restStorageToAep, version: "1.0" },
      sourceConnectionIds: [source],
      targetConnectionIds: [target],
      scheduleParams: { startTime: START_TIME, frequency: "minute", interval: 15 },
      enabled: true,
    });
  }
}

// The resource classes take typed arguments; the builder hands them the example's values.
type AnyArgs = never;
const OURS: Record<Kind, new (name: string, args: AnyArgs) => pulumi.CustomResource> = {
  dataset: aep.Dataset,
  base: aep.BaseConnection,
  source: aep.SourceConnection,
  target: aep.TargetConnection,
  flow: aep.Dataflow,
};

/** This package's resources. */
export function oursProgram(count: number, revision: () => number): PulumiFn {
  return async () => {
    declarePipelines(
      count,
      revision(),
      (kind, name, args) => new OURS[kind](name, args as AnyArgs).id,
    );
  };
}

/**
 * The engine floor's provider: it does nothing but hand the inputs back under a random id. No
 * `diff`, so the engine compares inputs itself; an `update`, so a renamed dataflow is an update as
 * it is for ours. Kept as short as it can be: the state stores its text twice per resource.
 */
const noopProvider: pulumi.dynamic.ResourceProvider = {
  create: async (inputs) => ({ id: String(Math.random()).slice(2), outs: inputs }),
  update: async (_id, _olds, news) => ({ outs: news }),
};

const TYPE_NAMES: Record<Kind, string> = {
  dataset: "Dataset",
  base: "BaseConnection",
  source: "SourceConnection",
  target: "TargetConnection",
  flow: "Dataflow",
};

class NoopResource extends pulumi.dynamic.Resource {
  constructor(kind: Kind, name: string, args: Record<string, unknown>) {
    super(noopProvider, name, args, undefined, "floor", TYPE_NAMES[kind]);
  }
}

/** The engine floor: as many dynamic resources, the same inputs and wiring, a no-op provider. */
export function floorProgram(count: number, revision: () => number): PulumiFn {
  return async () => {
    declarePipelines(
      count,
      revision(),
      (kind, name, args) => new NoopResource(kind, name, args).id,
    );
  };
}
