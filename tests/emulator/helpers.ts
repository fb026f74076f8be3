/**
 * Shared helpers of the emulator contract tests: raw HTTP over Node's global fetch (so the tests
 * do not depend on the package's client), an authenticated caller, and Adobe-shaped fixtures taken
 * from the Mailchimp Campaign tutorial
 * (https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/marketing-automation/mailchimp-campaign).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { startEmulator, type EmulatorHandle } from "../../provider/emulator";
import { connectionSpecIds, flowSpecIds } from "../../provider/resources/specCatalog";

export const FLOW = "/data/foundation/flowservice";
export const CATALOG = "/data/foundation/catalog";
export const REGISTRY = "/data/foundation/schemaregistry";
export const DATA_PREP = "/data/foundation/conversion";
/** The Schema Registry's lookup representation of the stored form. */
export const XED = "application/vnd.adobe.xed+json; version=1";
export const XDM_EXPERIENCE_EVENT = "https://ns.adobe.com/xdm/context/experienceevent";
/** The schema the tutorial fixtures' datasets follow (created on first use in each sandbox). */
export const TUTORIAL_SCHEMA_TITLE = "Mailchimp Email Activity";
export const ORG = "0A1B2C3D4E5F60718293A4B5@AdobeOrg";
export const SANDBOX = "prod";
export const CLIENT_ID = "contract-test-client";
export const CLIENT_SECRET = "p8e-contract-test-secret";

/** `{"campaignId":"c66a200cda"}` as the tutorial encodes it. */
export const CAMPAIGN_SOURCE_PARAMS = "eyJjYW1wYWlnbklkIjoiYzY2YTIwMGNkYSJ9";

/** Etag shape: literal quotes around `xxxxxxxx-0000-0200-0000-xxxxxxxx0000`. */
export const ETAG_PATTERN = /^"[0-9a-f]{8}-0000-0200-0000-[0-9a-f]{8}0000"$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A response, body parsed as JSON when possible. */
export interface Reply {
  status: number;
  headers: Headers;
  /** `any`: tests index freely into JSON bodies. */
  body: any;
  text: string;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** JSON-encoded with `content-type: application/json` unless a content-type header is given. */
  json?: unknown;
  /** Sent as is. */
  rawBody?: string;
}

/** One HTTP call with fetch. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: parseJson(text), text };
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Gets a token from the emulator's IMS endpoint (form-encoded body). */
export async function issueToken(
  baseUrl: string,
  clientId = CLIENT_ID,
  clientSecret = CLIENT_SECRET,
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: clientSecret,
    scope: "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext",
  });
  const response = await fetch(`${baseUrl}/ims/token/v3`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * A value that stands for the object `current()` returns at the moment it is used (methods bound
 * to that object): a suite can name what its `before` hook makes before that hook has run.
 */
export function standIn<T extends object>(current: () => T): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = current();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Registers the usual hooks in the calling `describe`: an emulator on a free port with an
 * {@link Api} (one token) before its tests, emptied before each test unless `reset` is false (for
 * suites whose tests build on each other), closed after them. The suite's own hooks, registered
 * after this call, run after these.
 */
export function useEmulator(options: { reset?: boolean } = {}): {
  emulator: EmulatorHandle;
  api: Api;
} {
  let started: { emulator: EmulatorHandle; api: Api } | undefined;
  before(async () => {
    const emulator = await startEmulator({ port: 0 });
    started = { emulator, api: await Api.connect(emulator) };
  });
  if (options.reset ?? true) beforeEach(() => current().emulator.reset());
  after(async () => {
    await started?.emulator.close();
    started = undefined;
  });
  function current(): { emulator: EmulatorHandle; api: Api } {
    if (!started) throw new Error("useEmulator: the emulator is used outside its hooks and tests");
    return started;
  }
  return { emulator: standIn(() => current().emulator), api: standIn(() => current().api) };
}

/** An authenticated Flow Service / Catalog caller for one org and sandbox. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
    readonly org = ORG,
    readonly sandbox = SANDBOX,
    readonly clientId = CLIENT_ID,
  ) {}

  static async connect(emulator: EmulatorHandle, org = ORG, sandbox = SANDBOX): Promise<Api> {
    return new Api(emulator.url, await issueToken(emulator.url), org, sandbox);
  }

  /** The same credentials in another org or sandbox. */
  in(org: string, sandbox: string): Api {
    return new Api(this.baseUrl, this.token, org, sandbox, this.clientId);
  }

  get headers(): Record<string, string> {
    return {
      authorization: `Bearer ${this.token}`,
      "x-api-key": this.clientId,
      "x-gw-ims-org-id": this.org,
      "x-sandbox-name": this.sandbox,
    };
  }

  /** `path` is absolute on the origin (use FLOW/CATALOG prefixes). */
  request(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    return call(this.baseUrl, method, path, {
      ...options,
      headers: { ...this.headers, ...options.headers },
    });
  }

  get(path: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request("GET", `${FLOW}${path}`, { headers });
  }

  post(path: string, json?: unknown, headers?: Record<string, string>): Promise<Reply> {
    return this.request("POST", `${FLOW}${path}`, { json, headers });
  }

  patch(path: string, json: unknown, ifMatch?: string): Promise<Reply> {
    return this.request("PATCH", `${FLOW}${path}`, {
      json,
      headers: ifMatch === undefined ? {} : { "if-match": ifMatch },
    });
  }

  delete(path: string): Promise<Reply> {
    return this.request("DELETE", `${FLOW}${path}`);
  }

  /** GET by id, unwrapped from `{items:[...]}`. */
  async object(collection: string, id: string): Promise<Record<string, unknown>> {
    const reply = await this.get(`/${collection}/${id}`);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.items.length, 1);
    return reply.body.items[0];
  }

  /** POST and assert 201; returns `{id, etag}`. */
  async create(collection: string, body: unknown): Promise<{ id: string; etag: string }> {
    const reply = await this.post(`/${collection}`, body);
    assert.equal(reply.status, 201, reply.text);
    return reply.body;
  }

  /** POST a tenant schema of the ExperienceEvent class; returns it as the registry answered. */
  async createSchema(
    title: string,
    fieldGroups: string[] = [],
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, any>> {
    const reply = await this.request("POST", `${REGISTRY}/tenant/schemas`, {
      json: experienceEventSchema(title, fieldGroups, extra),
    });
    assert.equal(reply.status, 201, reply.text);
    return reply.body;
  }

  /** The `$id` of the tutorial's schema in this sandbox, created when it is not there yet. */
  async tutorialSchemaId(): Promise<string> {
    const listed = await this.request(
      "GET",
      `${REGISTRY}/tenant/schemas?property=title==${encodeURIComponent(TUTORIAL_SCHEMA_TITLE)}`,
      { headers: { accept: "application/vnd.adobe.xed-id+json" } },
    );
    assert.equal(listed.status, 200, listed.text);
    const [existing] = listed.body.results as Array<{ $id: string }>;
    return existing?.$id ?? (await this.createSchema(TUTORIAL_SCHEMA_TITLE)).$id;
  }

  /** POST a mapping set into `schemaId`; returns its id. */
  async createMappingSet(
    schemaId: string,
    mappings: Array<Record<string, unknown>> = CAMPAIGN_MAPPINGS,
  ): Promise<string> {
    const reply = await this.request("POST", `${DATA_PREP}/mappingSets`, {
      json: mappingSetBody(schemaId, mappings),
    });
    assert.equal(reply.status, 200, reply.text);
    return String(reply.body.id);
  }

  async createDataSet(name = "Mailchimp campaign activity"): Promise<string> {
    const reply = await this.request("POST", `${CATALOG}/dataSets`, {
      json: dataSetBody(name, await this.tutorialSchemaId()),
    });
    assert.equal(reply.status, 201, reply.text);
    return String(reply.body[0]).replace("@/dataSets/", "");
  }

  /** Base connection → source connection → dataset → Data Lake target → flow. */
  async createPipeline(
    schedule: Record<string, unknown> = everyFifteenMinutes(0),
  ): Promise<Pipeline> {
    const base = await this.create("connections", basicAuthConnection());
    const source = await this.create("sourceConnections", campaignSourceConnection(base.id));
    const dataSetId = await this.createDataSet();
    const target = await this.create(
      "targetConnections",
      dataLakeTarget(dataSetId, await this.tutorialSchemaId()),
    );
    const flow = await this.create("flows", flowBody(source.id, target.id, schedule));
    return {
      baseId: base.id,
      sourceId: source.id,
      dataSetId,
      targetId: target.id,
      flowId: flow.id,
      flowEtag: flow.etag,
    };
  }
}

export interface Pipeline {
  baseId: string;
  sourceId: string;
  dataSetId: string;
  targetId: string;
  flowId: string;
  flowEtag: string;
}

export function basicAuthConnection(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: "Mailchimp base connection with basic authentication",
    description: "Mailchimp Campaign base connection with basic authentication",
    connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
    auth: {
      specName: "Basic Authentication",
      params: {
        authorizationTestUrl: "https://login.mailchimp.com/oauth2/metadata",
        username: "mailchimp-user",
        password: "mailchimp-api-key-123",
      },
    },
    ...overrides,
  };
}

export function campaignSourceConnection(
  baseConnectionId: string,
  campaignId = "c66a200cda",
): Record<string, unknown> {
  return {
    name: "MailChimp source connection to ingest campaign ID",
    description: "MailChimp Campaign source connection",
    baseConnectionId,
    connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
    data: { format: "json" },
    params: { campaignId },
  };
}

/** A `POST /tenant/schemas` body: the ExperienceEvent class and `fieldGroups`. */
export function experienceEventSchema(
  title: string,
  fieldGroups: string[] = [],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    title,
    description: "Email activity events collected from Mailchimp.",
    type: "object",
    allOf: [XDM_EXPERIENCE_EVENT, ...fieldGroups].map(($ref) => ({ $ref })),
    ...extra,
  };
}

/** Mailchimp email-activity fields into the ExperienceEvent class's own fields. */
export const CAMPAIGN_MAPPINGS: Array<Record<string, unknown>> = [
  { sourceType: "ATTRIBUTE", source: "email_id", destination: "_id" },
  { sourceType: "ATTRIBUTE", source: "activity[0].timestamp", destination: "timestamp" },
];

/** A `POST /mappingSets` body in the current form (mapping set endpoint guide). */
export function mappingSetBody(
  schemaId: string,
  mappings: Array<Record<string, unknown>> = CAMPAIGN_MAPPINGS,
): Record<string, unknown> {
  return {
    outputSchema: {
      schemaRef: { id: schemaId, contentType: "application/vnd.adobe.xed-full+json;version=1" },
    },
    mappings,
  };
}

export function dataSetBody(name: string, schemaId: string): Record<string, unknown> {
  return {
    name,
    description: "Email activity from Mailchimp",
    schemaRef: { id: schemaId, contentType: "application/vnd.adobe.xed+json;version=1" },
  };
}

export function dataLakeTarget(
  dataSetId: string,
  schemaId = "https://ns.adobe.com/acme/schemas/570630b91eb9d5cf5db0436756abb110",
): Record<string, unknown> {
  return {
    name: "MailChimp target connection",
    description: "MailChimp Campaign target connection",
    connectionSpec: { id: connectionSpecIds.dataLake, version: "1.0" },
    data: {
      format: "parquet_xdm",
      schema: {
        id: schemaId,
        version: "application/vnd.adobe.xed-full+json;version=1",
      },
    },
    params: { dataSetId },
  };
}

export function flowBody(
  sourceId: string,
  targetId: string,
  scheduleParams: Record<string, unknown>,
): Record<string, unknown> {
  return {
    name: "MailChimp Campaign dataflow",
    description: "MailChimp Campaign dataflow",
    flowSpec: { id: flowSpecIds.restStorageToAep, version: "1.0" },
    sourceConnectionIds: [sourceId],
    targetConnectionIds: [targetId],
    scheduleParams,
  };
}

/** `minute` every 15 starting at `startSeconds` (sent the tutorial's way: string start, number interval). */
export function everyFifteenMinutes(startSeconds: number): Record<string, unknown> {
  return { startTime: String(startSeconds), frequency: "minute", interval: 15 };
}

/** Asserts a Flow Service problem body, exactly, with the request id taken from the response header. */
export function assertProblem(
  reply: Reply,
  status: number,
  code: string,
  message: string | RegExp,
  report: { id?: string; type?: string } = {},
): void {
  assert.equal(reply.status, status, reply.text);
  const requestId = reply.headers.get("x-request-id");
  assert.match(requestId ?? "", UUID_PATTERN);
  const detailed = reply.body?.errorMessage as string;
  if (typeof message === "string") {
    assert.equal(detailed, message);
  } else {
    assert.match(detailed, message);
  }
  assert.deepEqual(reply.body, {
    type: `https://ns.adobe.com/aep/errors/FLOW-${code}-${status}`,
    title: reply.body.title,
    status,
    report: {
      "detailed-message": detailed,
      ...(report.id !== undefined ? { id: report.id } : {}),
      "request-id": requestId,
      ...(report.type !== undefined ? { type: report.type } : {}),
    },
    errorMessage: detailed,
    errorDetails: detailed,
  });
  assert.equal(typeof reply.body.title, "string");
  assert.notEqual(reply.body.title, "");
}

/** Asserts the documented 404 for an unknown instance. */
export function assertNotFound(reply: Reply, collection: string, id: string): void {
  assertProblem(
    reply,
    404,
    "1439",
    `The requested ${collection} resource ${id} is not found. Verify the resource ID before trying again.`,
    { id, type: collection },
  );
  assert.equal(reply.body.title, "Resource not found");
}

/** Epoch seconds of the emulator clock, rounded down to a whole minute (keeps schedule maths exact). */
export function startOfMinute(emulator: EmulatorHandle): number {
  return Math.floor(emulator.now() / 60_000) * 60;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** What a process printed, and how it ended. */
export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <script> <args>` to its end (the test's own Node, so tsx carries over). */
export async function runNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessResult> {
  const child = spawn(process.execPath, [script, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}
