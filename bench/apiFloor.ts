/**
 * The API floor: the HTTP calls our provider made in an operation, made again by a plain script
 * against the same emulator, with the same added latency and at most `parallel` in flight. No
 * engine, no validation, no retries: what the calls alone cost.
 *
 * The script replays the emulator's request log of our operation, object by object: each object's
 * calls in the order ours sent them, ids swapped for the floor's own objects, If-Match set to the
 * floor's latest etag. An object waits for what it depends on when it is created (the dataset and
 * base connection before the connections that name them) and for its dependents when it is
 * deleted, as the engine orders them; everything else runs at once.
 */
import { createLimiter } from "../provider/client/limiter";
import { serviceOfPath } from "../provider/services";
import type { RequestLogEntry } from "../provider/emulator/types";
import { COLLECTION_OF, DEPENDS_ON, KINDS, pipelineOfDisplayName, type Kind } from "./pipelines";

export interface Owner {
  pipeline: number;
  kind: Kind;
}

export interface ReplayResult {
  seconds: number;
  calls: number;
  /** Calls whose status differed from what ours got (a sign the replay is not like for like). */
  mismatches: string[];
}

/** Headers the script sets itself, or that belong to one connection (fetch sets those). */
const OWN_HEADERS = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "expect",
  "accept-encoding",
  "user-agent",
  "authorization",
  "if-match",
]);

const ownerKey = (o: Owner) => `${o.pipeline}-${o.kind}`;

/** The API floor's objects, kept across the operations of one pipeline count. */
export class ApiFloor {
  /** Floor object id by `pipeline-kind`. */
  private readonly ids = new Map<string, string>();
  private readonly etags = new Map<string, string>();
  private token = "";

  constructor(
    private readonly url: string,
    private readonly clientSecret: string,
    private readonly parallel: number,
  ) {}

  /**
   * Replays `log` (our operation's requests). `ownerOf` maps each of our object ids to its
   * pipeline and kind.
   */
  async replay(log: RequestLogEntry[], ownerOf: ReadonlyMap<string, Owner>): Promise<ReplayResult> {
    const limit = createLimiter(this.parallel);
    const mismatches: string[] = [];
    const first: RequestLogEntry[] = [];
    const plans = new Map<string, { owner: Owner; calls: RequestLogEntry[] }>();
    for (const entry of log) {
      const owner = this.ownerOfCall(entry, ownerOf);
      if (!owner) {
        first.push(entry);
        continue;
      }
      const key = ownerKey(owner);
      if (!plans.has(key)) plans.set(key, { owner, calls: [] });
      plans.get(key)!.calls.push(entry);
    }
    const send = (entry: RequestLogEntry, owner?: Owner) =>
      limit(() => this.send(entry, ownerOf, owner)).then((status) => {
        if (status !== entry.status) {
          mismatches.push(`${entry.method} ${entry.path}: ours ${entry.status}, floor ${status}`);
        }
      });

    const started = performance.now();
    // Token requests and calls tied to no object come first, as ours needed the token first.
    for (const entry of first) await send(entry);
    const done = new Map<string, Promise<void>>();
    const waitFor = (key: string): Promise<void> => {
      const existing = done.get(key);
      if (existing) return existing;
      const plan = plans.get(key)!;
      const { pipeline, kind } = plan.owner;
      const creates = plan.calls.some((c) => c.method === "POST" && isCollectionPath(c.path, kind));
      const deletes = plan.calls.some((c) => c.method === "DELETE");
      const before = (
        creates
          ? DEPENDS_ON[kind]
          : deletes
            ? KINDS.filter((k) => DEPENDS_ON[k].includes(kind))
            : []
      )
        .map((k) => ownerKey({ pipeline, kind: k }))
        .filter((k) => plans.has(k));
      const promise = (async () => {
        await Promise.all(before.map(waitFor));
        for (const call of plan.calls) await send(call, plan.owner);
      })();
      done.set(key, promise);
      return promise;
    };
    await Promise.all([...plans.keys()].map(waitFor));
    return {
      seconds: (performance.now() - started) / 1000,
      calls: log.length,
      mismatches,
    };
  }

  private ownerOfCall(entry: RequestLogEntry, ownerOf: ReadonlyMap<string, Owner>) {
    for (const segment of entry.path.split("/")) {
      const owner = ownerOf.get(segment);
      if (owner) return owner;
    }
    if (entry.method !== "POST") return undefined;
    const pipeline = pipelineOfDisplayName((entry.body as { name?: unknown } | undefined)?.name);
    const kind = KINDS.find((k) => isCollectionPath(entry.path, k));
    return pipeline !== undefined && kind ? { pipeline, kind } : undefined;
  }

  /** Our ids in `text` swapped for the floor's. */
  private remap(text: string, ownerOf: ReadonlyMap<string, Owner>): string {
    return text.replace(/[0-9A-Za-z-]{16,}/g, (word) => {
      const owner = ownerOf.get(word);
      return (owner && this.ids.get(ownerKey(owner))) ?? word;
    });
  }

  private async send(
    entry: RequestLogEntry,
    ownerOf: ReadonlyMap<string, Owner>,
    owner?: Owner,
  ): Promise<number> {
    const isToken = serviceOfPath(entry.path) === "ims";
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(entry.headers)) {
      if (!OWN_HEADERS.has(name)) headers[name] = value;
    }
    if (entry.headers.authorization !== undefined && !isToken) {
      headers.authorization = `Bearer ${this.token}`;
    }
    const floorId = owner ? this.ids.get(ownerKey(owner)) : undefined;
    if (entry.headers["if-match"] !== undefined) {
      headers["if-match"] = (floorId && this.etags.get(floorId)) ?? entry.headers["if-match"];
    }
    let body: string | undefined;
    if (isToken) {
      const form = { ...(entry.body as Record<string, string>), client_secret: this.clientSecret };
      body = new URLSearchParams(form).toString();
    } else if (entry.body !== undefined) {
      body = this.remap(JSON.stringify(entry.body), ownerOf);
    }
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(entry.query)) {
      for (const v of [value].flat()) query.append(name, this.remap(v, ownerOf));
    }
    const search = query.size > 0 ? `?${query.toString()}` : "";
    const response = await fetch(`${this.url}${this.remap(entry.path, ownerOf)}${search}`, {
      method: entry.method,
      headers,
      body,
    });
    const text = await response.text();
    const json = parseJson(text);
    if (isToken && typeof (json as { access_token?: unknown })?.access_token === "string") {
      this.token = (json as { access_token: string }).access_token;
    }
    if (owner && response.ok) {
      if (entry.method === "POST" && isCollectionPath(entry.path, owner.kind)) {
        const id = createdId(json);
        if (id) this.ids.set(ownerKey(owner), id);
      }
      const id = this.ids.get(ownerKey(owner));
      const etag = response.headers.get("etag") ?? etagOf(json);
      if (id && etag) this.etags.set(id, etag);
    }
    return response.status;
  }
}

/** `/.../flows` for a flow, `/.../dataSets` for a dataset: the path a create posts to. */
function isCollectionPath(path: string, kind: Kind): boolean {
  return path.endsWith(`/${COLLECTION_OF[kind]}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Flow Service answers a create with `{id, etag}`, Catalog with `["@/dataSets/<id>"]`. */
function createdId(json: unknown): string | undefined {
  if (Array.isArray(json) && typeof json[0] === "string") return json[0].split("/").pop();
  const id = (json as { id?: unknown } | undefined)?.id;
  return typeof id === "string" ? id : undefined;
}

/** The etag of an answer: `{etag}`, `{items: [{etag}]}` (Flow Service) or `{<id>: {etag}}`. */
function etagOf(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const record = json as Record<string, unknown>;
  if (typeof record.etag === "string") return record.etag;
  const inner = Array.isArray(record.items) ? record.items[0] : Object.values(record)[0];
  const etag = (inner as { etag?: unknown } | undefined)?.etag;
  return typeof etag === "string" ? etag : undefined;
}
