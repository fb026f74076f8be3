/**
 * Reads a sandbox into an export model: its dataflows (or the chosen ones) and, for each, the
 * objects it uses: source and target connections, their base connections, the target's dataset,
 * the mapping set of a `Mapping` transformation, and the tenant XDM schemas the dataset, the
 * target or the mapping set follow. Each object is read once, however many flows share it.
 *
 * Each object's inputs are what the resource's own read makes of it (the resource definition's
 * `inputsFrom`, then its schema, as `pulumi refresh` does), so the program declares exactly the
 * live values; ids of objects the export declares become references, credentials secrets.
 */
import type { AepClient, FlowServiceCollection, FlowServiceObject, SpecObject } from "../../client";
import { isRecord } from "../../client/json";
import { MASKED } from "../../resources/baseConnection";
import type { ResourceDefinition } from "../../resources/engine";
import * as registry from "../../resources/registry";
import { isAuthType } from "../../resources/specCatalog";
import { checkInputs } from "../../resources/validation";
import { valueAt, type PlainObject } from "../../resources/values";
import { flowOrFail } from "../commands/runs";
import type { Connection } from "../settings";
import {
  objectKey,
  Reference,
  SecretParam,
  type ExportKind,
  type ExportModel,
  type ExportedObject,
  type Inputs,
  type ObjectKey,
  type ReferencedOutput,
  type Value,
} from "./model";

export interface ReadOptions {
  /** Only these dataflows; every dataflow of the sandbox when empty. */
  flowIds: readonly string[];
  /** The exporting package: its version and the @pulumi/pulumi range it declares. */
  packageVersion: string;
  pulumiRange: string;
  now: Date;
}

/** An object as read, before the declaration order is known. */
interface Node {
  object: ExportedObject;
  /** What it refers to, in the order of its inputs. */
  dependencies: ObjectKey[];
  /** A mapping set's version as an adoption reads it (its current one). */
  version?: number;
}

/** Declaration order within one dataflow: the walk-through's, where each kind refers only to earlier ones. */
const KIND_ORDER: readonly ExportKind[] = [
  "XdmSchema",
  "Dataset",
  "MappingSet",
  "BaseConnection",
  "SourceConnection",
  "TargetConnection",
  "Dataflow",
];

/** Auth param names that hold credentials whatever the connection spec says. */
const CREDENTIAL_NAME = /password|passwd|secret|token|credential|key$/i;

/** Replaces the mask of a credential Adobe leaves out of its answer, so the inputs pass the checks. */
const PLACEHOLDER = "********";

type Definition = ResourceDefinition<PlainObject>;

function definitionOf(kind: ExportKind): Definition {
  return registry[kind].definition as unknown as Definition;
}

/** Reads the dataflows of `connection`'s sandbox (all of them, or `options.flowIds`) into a model. */
export async function readSandbox(
  connection: Connection,
  options: ReadOptions,
): Promise<ExportModel> {
  const reader = new SandboxReader(connection.client);
  const flows =
    options.flowIds.length > 0
      ? await chosenFlows(connection, options.flowIds)
      : await connection.client.list("flows");
  flows.sort((a, b) => compare(String(a.name ?? ""), String(b.name ?? "")) || compare(a.id, b.id));
  const roots = await Promise.all(flows.map((flow) => reader.flow(flow)));
  return {
    orgId: connection.settings.orgId,
    sandboxName: connection.settings.sandboxName,
    exportedAt: options.now.toISOString(),
    packageVersion: options.packageVersion,
    pulumiRange: options.pulumiRange,
    objects: declarationOrder(roots, reader.nodes),
    // Reads run concurrently: the warnings are sorted so that the same sandbox gives the same files.
    warnings: [...new Set(reader.warnings)].sort(compare),
  };
}

/** The flows asked for, each once, in the order given; an unknown id fails the export. */
async function chosenFlows(
  connection: Connection,
  ids: readonly string[],
): Promise<FlowServiceObject[]> {
  const flows: FlowServiceObject[] = [];
  for (const id of new Set(ids)) flows.push(await flowOrFail(connection, id));
  return flows;
}

/** Code-unit order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every object once, flow after flow (in the flows' order): the objects a flow uses that no
 * earlier flow did, in the walk-through's order of kinds, then the flow. A mapping set is named
 * after the first flow that uses it.
 */
export function declarationOrder(
  roots: readonly ObjectKey[],
  nodes: ReadonlyMap<ObjectKey, Node>,
): ExportedObject[] {
  const declared = new Set<ObjectKey>();
  const objects: ExportedObject[] = [];
  for (const root of roots) {
    const used: Node[] = [];
    const visit = (key: ObjectKey) => {
      const node = nodes.get(key);
      if (node === undefined || declared.has(key) || used.includes(node)) return;
      used.push(node);
      node.dependencies.forEach(visit);
    };
    visit(root);
    const flow = nodes.get(root)?.object;
    const rank = (node: Node) => KIND_ORDER.indexOf(node.object.kind);
    for (const node of used.sort((a, b) => rank(a) - rank(b))) {
      declared.add(node.object.key);
      const label =
        node.object.kind === "MappingSet" && flow !== undefined
          ? `${flow.label} mapping`
          : node.object.label;
      objects.push({ ...node.object, label });
    }
  }
  return objects;
}

/** The object that refers to others, while it is read: its name in messages and what it uses. */
interface Referrer {
  what: string;
  dependencies: ObjectKey[];
}

class SandboxReader {
  readonly nodes = new Map<ObjectKey, Node>();
  readonly warnings: string[] = [];
  /** Reads in progress or done, so that each object is read once. */
  private readonly reads = new Map<ObjectKey, Promise<boolean>>();
  private readonly specs = new Map<string, Promise<SpecObject | undefined>>();
  /** How each kind a flow refers to, directly or not, is read; `undefined` when it does not exist. */
  private readonly readers: Record<
    Exclude<ExportKind, "Dataflow">,
    (id: string) => Promise<Node | undefined>
  > = {
    SourceConnection: (id) => this.connection("sourceConnections", "SourceConnection", id),
    TargetConnection: (id) => this.connection("targetConnections", "TargetConnection", id),
    BaseConnection: (id) => this.baseConnection(id),
    Dataset: (id) => this.dataset(id),
    MappingSet: (id) => this.mappingSet(id),
    XdmSchema: (id) => this.schema(id),
  };

  constructor(private readonly client: AepClient) {}

  /** Reads `key` once with `read`; whether the object exists. */
  private once(key: ObjectKey, read: () => Promise<Node | undefined>): Promise<boolean> {
    let pending = this.reads.get(key);
    if (pending === undefined) {
      pending = read().then((node) => {
        if (node !== undefined) this.nodes.set(key, node);
        return node !== undefined;
      });
      this.reads.set(key, pending);
    }
    return pending;
  }

  /**
   * The object of `kind` that `id` names, read once: a reference to its `output` when it exists
   * (and a dependency of `from`), else the id as it is. A missing schema is no surprise (a
   * standard schema is not in the tenant container); any other missing object is warned about.
   */
  private async refer(
    kind: Exclude<ExportKind, "Dataflow">,
    id: unknown,
    output: ReferencedOutput,
    from: Referrer,
  ): Promise<Value> {
    if (typeof id !== "string" || id === "") return (id ?? null) as Value;
    const key = objectKey(kind, id);
    if (await this.once(key, () => this.readers[kind](id))) {
      from.dependencies.push(key);
      return new Reference(key, output);
    }
    if (kind !== "XdmSchema") {
      this.warnings.push(
        `${from.what} names ${kind} ${id}, which does not exist: the program keeps the id as it is`,
      );
    }
    return id;
  }

  async flow(flow: FlowServiceObject): Promise<ObjectKey> {
    const key = objectKey("Dataflow", flow.id);
    await this.once(key, async () => {
      const label = String(flow.name ?? "");
      const from: Referrer = { what: describe("Dataflow", label, flow.id), dependencies: [] };
      const inputs = this.live("Dataflow", flow, label);
      const notes: string[] = [];
      const ids = async (member: string, kind: "SourceConnection" | "TargetConnection") => {
        const listed = Array.isArray(inputs[member]) ? (inputs[member] as unknown[]) : [];
        const values: Value[] = [];
        for (const id of listed) values.push(await this.refer(kind, id, "id", from));
        return values;
      };
      const refined: Record<string, Value> = {
        ...inputs,
        sourceConnectionIds: await ids("sourceConnectionIds", "SourceConnection"),
        targetConnectionIds: await ids("targetConnectionIds", "TargetConnection"),
      };
      if (Array.isArray(inputs.transformations)) {
        const transformations: Value[] = [];
        for (const transformation of inputs.transformations as Value[]) {
          transformations.push(await this.transformation(transformation, from, notes));
        }
        refined.transformations = transformations;
      }
      return node("Dataflow", flow.id, label, refined, from.dependencies, { notes });
    });
    return key;
  }

  /**
   * A `Mapping` names the mapping set and the version the flow runs: `mapping.id`, and
   * `mapping.version` when that is the version an adoption reads (the set's current one);
   * otherwise the flow keeps its version, said in a note.
   */
  private async transformation(
    transformation: Value,
    from: Referrer,
    notes: string[],
  ): Promise<Value> {
    if (!isRecord(transformation) || transformation.name !== "Mapping") return transformation;
    const params = isRecord(transformation.params) ? transformation.params : {};
    const mappingId = await this.refer("MappingSet", params.mappingId, "id", from);
    if (!(mappingId instanceof Reference)) return transformation;
    const used = Number(params.mappingVersion);
    const current = this.nodes.get(mappingId.target)?.version;
    let mappingVersion: Value = new Reference(mappingId.target, "version");
    if (!Number.isInteger(used)) {
      mappingVersion = params.mappingVersion as Value;
    } else if (used !== current) {
      mappingVersion = used;
      const set = `mapping set ${String(params.mappingId)}`;
      notes.push(
        `${from.what} runs version ${used} of ${set}, which is now at version ${String(current)}: ` +
          `mappingVersion stays ${used} (the set's \`version\` would move the flow to version ${String(current)})`,
      );
      if ((await this.client.getMappingSet(String(params.mappingId), used)) === undefined) {
        this.warnings.push(
          `${from.what} runs version ${used} of ${set}, which Data Prep does not have`,
        );
      }
    }
    return { ...transformation, params: { ...params, mappingId, mappingVersion } };
  }

  /**
   * A source or target connection: its base connection, and for a target the dataset of
   * `params.dataSetId` and the schema of `data.schema.id`.
   */
  private async connection(
    collection: FlowServiceCollection,
    kind: "SourceConnection" | "TargetConnection",
    id: string,
  ): Promise<Node | undefined> {
    const remote = await this.client.get(collection, id);
    if (remote === undefined) return undefined;
    const label = String(remote.name ?? "");
    const from: Referrer = { what: describe(kind, label, id), dependencies: [] };
    let inputs = this.live(kind, remote, label);
    const at = async (
      path: readonly string[],
      refKind: Exclude<ExportKind, "Dataflow">,
      output: ReferencedOutput,
    ) => {
      const value = valueAt(inputs, path);
      if (value !== undefined) {
        inputs = replacedAt(inputs, path, await this.refer(refKind, value, output, from));
      }
    };
    await at(["baseConnectionId"], "BaseConnection", "id");
    if (kind === "TargetConnection") {
      await at(["params", "dataSetId"], "Dataset", "id");
      await at(["data", "schema", "id"], "XdmSchema", "schemaId");
    }
    return node(kind, id, label, inputs, from.dependencies);
  }

  /** A base connection, its credentials replaced by secrets the program reads from its config. */
  private async baseConnection(id: string): Promise<Node | undefined> {
    const remote = await this.client.get("connections", id);
    if (remote === undefined) return undefined;
    const label = String(remote.name ?? "");
    const auth = isRecord(remote.auth) ? remote.auth : {};
    const params: PlainObject = isRecord(auth.params) ? { ...auth.params } : {};
    const specSecrets = await this.authSecrets(
      valueAt(remote, ["connectionSpec", "id"]),
      auth.specName,
    );
    // A required credential Adobe leaves out entirely is still one the program must declare.
    for (const name of specSecrets?.required ?? []) params[name] ??= PLACEHOLDER;
    const isSecret = (name: string) =>
      specSecrets?.secret.includes(name) === true ||
      CREDENTIAL_NAME.test(name) ||
      (typeof params[name] === "string" && MASKED.test(params[name]));
    let inputs = this.live("BaseConnection", { ...remote, auth: { ...auth, params } }, label);
    const declared = valueAt(inputs, ["auth", "params"]);
    for (const name of isRecord(declared) ? Object.keys(declared) : []) {
      if (isSecret(name))
        inputs = replacedAt(inputs, ["auth", "params", name], new SecretParam(name));
    }
    return node("BaseConnection", id, label, inputs);
  }

  /** The auth params the connection spec's auth type marks secret (`format: password`), and those it requires. */
  private async authSecrets(specId: unknown, specName: unknown): Promise<AuthSecrets | undefined> {
    if (typeof specId !== "string") return undefined;
    let pending = this.specs.get(specId);
    if (pending === undefined) {
      pending = this.client.getSpec("connectionSpecs", specId).then((found) => {
        if (found === undefined) {
          this.warnings.push(
            `Connection spec ${specId} does not exist: only masked auth params and credential names were taken for credentials`,
          );
        }
        return found;
      });
      this.specs.set(specId, pending);
    }
    const spec = await pending;
    return spec === undefined ? undefined : secretsOf(spec, specName);
  }

  private async dataset(id: string): Promise<Node | undefined> {
    const remote = await this.client.getDataset(id);
    if (remote === undefined) return undefined;
    const label = String(remote.name ?? "");
    const from: Referrer = { what: describe("Dataset", label, id), dependencies: [] };
    let inputs = this.live("Dataset", remote, label, id);
    const schemaId = valueAt(inputs, ["schemaRef", "id"]);
    if (schemaId !== undefined) {
      const schema = await this.refer("XdmSchema", schemaId, "schemaId", from);
      inputs = replacedAt(inputs, ["schemaRef", "id"], schema);
    }
    return node("Dataset", id, label, inputs, from.dependencies);
  }

  /** The mapping set as an adoption reads it (its current version), into its schema. */
  private async mappingSet(id: string): Promise<Node | undefined> {
    const remote = await this.client.getMappingSet(id);
    if (remote === undefined) return undefined;
    const from: Referrer = { what: `MappingSet ${id}`, dependencies: [] };
    const inputs = this.live("MappingSet", remote, "", id);
    const outputSchema = await this.refer("XdmSchema", inputs.outputSchema, "schemaId", from);
    return node("MappingSet", id, "", { ...inputs, outputSchema }, from.dependencies, {
      version: remote.version,
    });
  }

  /** A tenant schema; a standard one (the registry's tenant container does not have it) stays an id. */
  private async schema(id: string): Promise<Node | undefined> {
    const remote = await this.client.getSchema(id);
    if (remote === undefined) return undefined;
    const label = String(remote.title ?? "");
    const inputs = this.live("XdmSchema", remote, label, remote.$id);
    return node("XdmSchema", remote.$id, label, inputs, [], {}, id);
  }

  /**
   * The inputs the resource reads from `remote` (its `inputsFrom`, then its schema's defaults and
   * types, as a refresh records them). Members the resource does not declare are left out (with a
   * warning); values its checks refuse are kept as they are, with a warning naming the failures.
   */
  private live(
    kind: ExportKind,
    remote: PlainObject,
    label: string,
    id = String(remote.id),
  ): Inputs {
    const definition = definitionOf(kind);
    const what = describe(kind, label, id);
    let candidate: PlainObject = definition.remote.inputsFrom(remote, undefined);
    for (;;) {
      const parsed = definition.schema.safeParse(candidate);
      if (parsed.success) return parsed.data as Inputs;
      const unknown = parsed.error.issues.flatMap((issue) =>
        issue.code === "unrecognized_keys"
          ? issue.keys.map((key) => [...issue.path, key].map(String))
          : [],
      );
      if (unknown.length === 0) break;
      this.warnings.push(
        `${what} has ${unknown.map((path) => path.join(".")).join(", ")}, which ${kind} does not declare: left out of the program`,
      );
      for (const path of unknown) candidate = without(candidate, path);
    }
    const failures = checkInputs(kind, definition.schema, candidate).failures ?? [];
    this.warnings.push(
      `${what} fails ${kind}'s checks as it is in Adobe (${failures.map((f) => f.reason).join("; ")}): \`pulumi preview\` refuses it until index.ts is changed`,
    );
    return candidate as Inputs;
  }
}

/** How messages name an object: `Dataflow "Spring flow" (2edc08ac-...)`. */
function describe(kind: ExportKind, label: string, id: string): string {
  return `${kind} ${JSON.stringify(label)} (${id})`;
}

/**
 * A node of `kind` whose `adopt` is `id`. `keyId` is the id others name it by, when that differs
 * (a schema named by its `meta:altId`, adopted by its `$id`).
 */
function node(
  kind: ExportKind,
  id: string,
  label: string,
  inputs: Inputs,
  dependencies: ObjectKey[] = [],
  extra: { notes?: string[]; version?: number } = {},
  keyId = id,
): Node {
  return {
    object: { key: objectKey(kind, keyId), kind, id, label, inputs, notes: extra.notes ?? [] },
    dependencies,
    ...(extra.version !== undefined ? { version: extra.version } : {}),
  };
}

/** `inputs` with `value` at `path` (every step of which exists). */
function replacedAt(inputs: Inputs, path: readonly string[], value: Value): Inputs {
  const [head, ...rest] = path;
  if (head === undefined) return inputs;
  const child = inputs[head];
  return {
    ...inputs,
    [head]:
      rest.length === 0 || !isRecord(child) ? value : replacedAt(child as Inputs, rest, value),
  };
}

interface AuthSecrets {
  /** The params the auth type marks secret. */
  secret: string[];
  /** Those of them it requires. */
  required: string[];
}

function secretsOf(spec: SpecObject, specName: unknown): AuthSecrets {
  const authSpecs = Array.isArray(spec.authSpec) ? (spec.authSpec as unknown[]) : [];
  const authSpec = authSpecs.find(
    (candidate) => isRecord(candidate) && isAuthType(candidate, specName),
  );
  const schema = isRecord(authSpec) && isRecord(authSpec.spec) ? authSpec.spec : {};
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const secret = Object.keys(properties).filter(
    (name) => isRecord(properties[name]) && properties[name].format === "password",
  );
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  return { secret, required: required.filter((name) => secret.includes(name)) };
}

/** `root` without the member at `path`. */
function without(root: PlainObject, path: readonly string[]): PlainObject {
  const [head, ...rest] = path;
  if (head === undefined) return root;
  if (rest.length === 0) {
    const { [head]: _dropped, ...kept } = root;
    return kept;
  }
  const child = root[head];
  if (Array.isArray(child)) {
    const index = Number(rest[0]);
    return {
      ...root,
      [head]: child.map((item: unknown, i) =>
        i === index && isRecord(item) ? without(item, rest.slice(1)) : item,
      ),
    };
  }
  return isRecord(child) ? { ...root, [head]: without(child, rest) } : root;
}
