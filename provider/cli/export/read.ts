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

class SandboxReader {
  readonly nodes = new Map<ObjectKey, Node>();
  readonly warnings: string[] = [];
  /** Reads in progress or done, so that each object is read once. */
  private readonly reads = new Map<ObjectKey, Promise<boolean>>();
  private readonly specs = new Map<string, Promise<SpecObject | undefined>>();

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

  /** A reference to the object `key` when it exists, else the id as it is (and a warning). */
  private async refer(
    kind: ExportKind,
    id: unknown,
    output: "id" | "schemaId",
    read: (id: string) => Promise<Node | undefined>,
    usedBy: string,
  ): Promise<{ value: Value; key?: ObjectKey }> {
    if (typeof id !== "string" || id === "") return { value: (id ?? null) as Value };
    const key = objectKey(kind, id);
    if (await this.once(key, () => read(id))) return { value: new Reference(key, output), key };
    if (kind !== "XdmSchema") {
      this.warnings.push(
        `${usedBy} names ${kind} ${id}, which does not exist: the program keeps the id as it is`,
      );
    }
    return { value: id };
  }

  async flow(flow: FlowServiceObject): Promise<ObjectKey> {
    const key = objectKey("Dataflow", flow.id);
    await this.once(key, async () => {
      const label = String(flow.name ?? "");
      const usedBy = `Dataflow ${JSON.stringify(label)} (${flow.id})`;
      const inputs = this.live("Dataflow", flow, label);
      const dependencies: ObjectKey[] = [];
      const notes: string[] = [];
      const ids = async (
        member: string,
        kind: ExportKind,
        read: (id: string) => Promise<Node | undefined>,
      ) => {
        const listed = Array.isArray(inputs[member]) ? (inputs[member] as unknown[]) : [];
        const refs = await Promise.all(
          listed.map((id) => this.refer(kind, id, "id", read, usedBy)),
        );
        dependencies.push(...refs.flatMap((ref) => (ref.key ? [ref.key] : [])));
        return refs.map((ref) => ref.value);
      };
      const sourceConnectionIds = await ids("sourceConnectionIds", "SourceConnection", (id) =>
        this.source(id),
      );
      const targetConnectionIds = await ids("targetConnectionIds", "TargetConnection", (id) =>
        this.target(id),
      );
      let transformations: Value[] | undefined;
      if (Array.isArray(inputs.transformations)) {
        transformations = [];
        for (const transformation of inputs.transformations as Value[]) {
          transformations.push(
            await this.transformation(transformation, usedBy, dependencies, notes),
          );
        }
      }
      return {
        object: {
          key,
          kind: "Dataflow",
          id: flow.id,
          label,
          inputs: {
            ...inputs,
            sourceConnectionIds,
            targetConnectionIds,
            ...(transformations !== undefined ? { transformations } : {}),
          },
          notes,
        },
        dependencies,
      };
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
    usedBy: string,
    dependencies: ObjectKey[],
    notes: string[],
  ): Promise<Value> {
    if (!isRecord(transformation) || transformation.name !== "Mapping") return transformation;
    const params = isRecord(transformation.params) ? transformation.params : {};
    const mappingId = params.mappingId;
    const used = Number(params.mappingVersion);
    const ref = await this.refer(
      "MappingSet",
      mappingId,
      "id",
      (id) => this.mappingSet(id),
      usedBy,
    );
    if (ref.key === undefined) return transformation;
    dependencies.push(ref.key);
    const current = this.nodes.get(ref.key)?.version;
    let mappingVersion: Value = new Reference(ref.key, "version");
    if (current !== used) {
      mappingVersion = used;
      notes.push(
        `${usedBy} runs version ${used} of mapping set ${String(mappingId)}, which is now at version ` +
          `${String(current)}: mappingVersion stays ${used} (the set's \`version\` would move the flow to version ${String(current)})`,
      );
      if ((await this.client.getMappingSet(String(mappingId), used)) === undefined) {
        this.warnings.push(
          `${usedBy} runs version ${used} of mapping set ${String(mappingId)}, which Data Prep does not have`,
        );
      }
    }
    return { ...transformation, params: { ...params, mappingId: ref.value, mappingVersion } };
  }

  private async source(id: string): Promise<Node | undefined> {
    return this.connection("sourceConnections", "SourceConnection", id);
  }

  private async target(id: string): Promise<Node | undefined> {
    return this.connection("targetConnections", "TargetConnection", id);
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
    const usedBy = `${kind} ${JSON.stringify(label)} (${id})`;
    const inputs = this.live(kind, remote, label);
    const dependencies: ObjectKey[] = [];
    const refer = async (
      refKind: ExportKind,
      value: unknown,
      output: "id" | "schemaId",
      read: (id: string) => Promise<Node | undefined>,
    ) => {
      const ref = await this.refer(refKind, value, output, read, usedBy);
      if (ref.key) dependencies.push(ref.key);
      return ref.value;
    };
    const result: Record<string, Value> = { ...inputs };
    if (inputs.baseConnectionId !== undefined) {
      result.baseConnectionId = await refer(
        "BaseConnection",
        inputs.baseConnectionId,
        "id",
        (base) => this.baseConnection(base),
      );
    }
    const params = isRecord(inputs.params) ? inputs.params : undefined;
    if (kind === "TargetConnection" && params?.dataSetId !== undefined) {
      result.params = {
        ...params,
        dataSetId: await refer("Dataset", params.dataSetId, "id", (dataset) =>
          this.dataset(dataset),
        ),
      };
    }
    const data = isRecord(inputs.data) ? inputs.data : undefined;
    const schema = isRecord(data?.schema) ? data.schema : undefined;
    if (kind === "TargetConnection" && schema?.id !== undefined) {
      const schemaId = await refer("XdmSchema", schema.id, "schemaId", (s) => this.schema(s));
      result.data = { ...data, schema: { ...schema, id: schemaId } };
    }
    return {
      object: { key: objectKey(kind, id), kind, id, label, inputs: result, notes: [] },
      dependencies,
    };
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
    const secret = (name: string, value: unknown) =>
      specSecrets?.secret.includes(name) === true ||
      CREDENTIAL_NAME.test(name) ||
      (typeof value === "string" && MASKED.test(value));
    const secrets = Object.keys(params).filter((name) => secret(name, params[name]));
    const inputs = this.live("BaseConnection", { ...remote, auth: { ...auth, params } }, label);
    const declared = isRecord(valueAt(inputs, ["auth"])) ? (inputs.auth as PlainObject) : undefined;
    const declaredParams = isRecord(declared?.params) ? declared.params : {};
    const withSecrets: Inputs = {
      ...inputs,
      ...(declared !== undefined
        ? {
            auth: {
              ...(declared as Inputs),
              params: Object.fromEntries(
                Object.entries(declaredParams).map(([name, value]) => [
                  name,
                  secrets.includes(name) ? new SecretParam(name) : (value as Value),
                ]),
              ),
            },
          }
        : {}),
    };
    return {
      object: {
        key: objectKey("BaseConnection", id),
        kind: "BaseConnection",
        id,
        label,
        inputs: withSecrets,
        notes: [],
      },
      dependencies: [],
    };
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
    const inputs = this.live("Dataset", remote, label, id);
    const dependencies: ObjectKey[] = [];
    const schemaRef = isRecord(inputs.schemaRef) ? inputs.schemaRef : undefined;
    let result: Inputs = inputs;
    if (schemaRef?.id !== undefined) {
      const ref = await this.refer(
        "XdmSchema",
        schemaRef.id,
        "schemaId",
        (s) => this.schema(s),
        `Dataset ${JSON.stringify(label)} (${id})`,
      );
      if (ref.key) dependencies.push(ref.key);
      result = { ...inputs, schemaRef: { ...schemaRef, id: ref.value } };
    }
    return {
      object: {
        key: objectKey("Dataset", id),
        kind: "Dataset",
        id,
        label,
        inputs: result,
        notes: [],
      },
      dependencies,
    };
  }

  /** The mapping set as an adoption reads it (its current version), into its schema. */
  private async mappingSet(id: string): Promise<Node | undefined> {
    const remote = await this.client.getMappingSet(id);
    if (remote === undefined) return undefined;
    const inputs = this.live("MappingSet", remote, "", id);
    const ref = await this.refer(
      "XdmSchema",
      inputs.outputSchema,
      "schemaId",
      (s) => this.schema(s),
      `MappingSet ${id}`,
    );
    return {
      object: {
        key: objectKey("MappingSet", id),
        kind: "MappingSet",
        id,
        label: "",
        inputs: { ...inputs, outputSchema: ref.value },
        notes: [],
      },
      dependencies: ref.key ? [ref.key] : [],
      version: remote.version,
    };
  }

  /** A tenant schema; a standard one (the registry's tenant container does not have it) stays an id. */
  private async schema(id: string): Promise<Node | undefined> {
    const remote = await this.client.getSchema(id);
    if (remote === undefined) return undefined;
    const label = String(remote.title ?? "");
    return {
      object: {
        key: objectKey("XdmSchema", id),
        kind: "XdmSchema",
        id: remote.$id,
        label,
        inputs: this.live("XdmSchema", remote, label, remote.$id),
        notes: [],
      },
      dependencies: [],
    };
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
    const what = `${kind} ${JSON.stringify(label)} (${id})`;
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

interface AuthSecrets {
  /** The params the auth type marks secret. */
  secret: string[];
  /** Those of them it requires. */
  required: string[];
}

function secretsOf(spec: SpecObject, specName: unknown): AuthSecrets {
  const normalize = (text: unknown) => String(text).replace(/\s+/g, "").toLowerCase();
  const authSpecs = Array.isArray(spec.authSpec) ? (spec.authSpec as unknown[]) : [];
  const authSpec = authSpecs.find(
    (candidate) =>
      isRecord(candidate) &&
      (normalize(candidate.name) === normalize(specName) ||
        normalize(candidate.type) === normalize(specName)),
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
