/**
 * In-memory storage of everything the emulator creates, scoped by IMS org and sandbox, with
 * optional persistence to a JSON state file. Objects are kept exactly as Flow Service would store
 * them (secrets unmasked); masking happens when responses are rendered.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { COLLECTIONS, type Collection } from "./types";

/** A stored JSON object. */
export type JsonObject = Record<string, unknown>;

/** The org and sandbox a request acts in; every instance belongs to exactly one. */
export interface Scope {
  orgId: string;
  sandboxName: string;
}

interface StoredRecord {
  scope: Scope;
  object: JsonObject;
}

/** An access token issued by the emulator's IMS endpoint. */
export interface IssuedToken {
  clientId: string;
  /** Expiry on the emulator clock, ms epoch. */
  expiresAt: number;
}

/** What the state file holds. */
interface StateSnapshot {
  format: "aep-flow-emulator-state";
  version: 1;
  clockAdvancedMs: number;
  records: Record<string, Array<{ scope: Scope; object: JsonObject }>>;
  tokens: Record<string, IssuedToken>;
  scheduleCursors: Record<string, number>;
}

/** Deep copy of JSON data (stored objects never share references with requests or callers). */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/**
 * A new etag in Flow Service's shape, literal double quotes included:
 * `"<8 hex>-0000-0200-0000-<8 hex of epoch seconds>0000"`. The random half makes every update
 * produce a different value even within one second.
 */
export function newEtag(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, "0")
    .slice(-8);
  return `"${randomBytes(4).toString("hex")}-0000-0200-0000-${seconds}0000"`;
}

/** What changed for run catch-up: some flows (by id), or everything (after a load or a clear). */
export type ScheduleChanges = ReadonlySet<string> | "all";

/** Schedule cursors that report every change, so catch-up can look at the changed flows only. */
class ScheduleCursors extends Map<string, number> {
  constructor(private readonly changed: (flowId: string | undefined) => void) {
    super();
  }

  override set(flowId: string, at: number): this {
    super.set(flowId, at);
    this.changed(flowId);
    return this;
  }

  override delete(flowId: string): boolean {
    const existed = super.delete(flowId);
    if (existed) this.changed(flowId);
    return existed;
  }

  override clear(): void {
    super.clear();
    this.changed(undefined);
  }
}

/** The object store. Mutations mark it dirty; {@link Store.flush} writes the state file. */
export class Store {
  private records = emptyRecords();
  readonly tokens = new Map<string, IssuedToken>();
  /** Per flow: emulator time up to which its schedule slots have been turned into runs. */
  readonly scheduleCursors: Map<string, number> = new ScheduleCursors((flowId) =>
    this.scheduleChanged(flowId),
  );
  private scheduleChanges: Set<string> | "all" = "all";
  private dirty = false;

  constructor(private readonly stateFile?: string) {}

  /** Loads the state file when it exists; returns the clock advance it recorded. */
  load(): number {
    if (this.stateFile === undefined || !existsSync(this.stateFile)) {
      return 0;
    }
    const snapshot = JSON.parse(readFileSync(this.stateFile, "utf8")) as StateSnapshot;
    if (snapshot.format !== "aep-flow-emulator-state") {
      throw new Error(`${this.stateFile} is not an emulator state file`);
    }
    for (const collection of COLLECTIONS) {
      for (const record of snapshot.records[collection] ?? []) {
        this.records[collection].set(String(record.object.id), record);
      }
    }
    this.scheduleChanged(undefined);
    for (const [token, issued] of Object.entries(snapshot.tokens)) {
      this.tokens.set(token, issued);
    }
    for (const [flowId, cursor] of Object.entries(snapshot.scheduleCursors)) {
      this.scheduleCursors.set(flowId, cursor);
    }
    return snapshot.clockAdvancedMs;
  }

  /** Writes the state file if anything changed since the last flush (temp file + rename, so a crash never leaves half a file). */
  flush(clockAdvancedMs: number): void {
    if (!this.dirty || this.stateFile === undefined) {
      this.dirty = false;
      return;
    }
    const snapshot: StateSnapshot = {
      format: "aep-flow-emulator-state",
      version: 1,
      clockAdvancedMs,
      records: Object.fromEntries(
        COLLECTIONS.map((collection) => [collection, [...this.records[collection].values()]]),
      ),
      tokens: Object.fromEntries(this.tokens),
      scheduleCursors: Object.fromEntries(this.scheduleCursors),
    };
    const temporary = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(snapshot, null, 2));
    renameSync(temporary, this.stateFile);
    this.dirty = false;
  }

  /**
   * The flows written or removed, or whose schedule cursor moved, since the last call: all that
   * run catch-up has to look at again.
   */
  takeScheduleChanges(): ScheduleChanges {
    const changes = this.scheduleChanges;
    this.scheduleChanges = new Set();
    return changes;
  }

  private scheduleChanged(flowId: string | undefined): void {
    if (flowId === undefined) this.scheduleChanges = "all";
    else if (this.scheduleChanges !== "all") this.scheduleChanges.add(flowId);
  }

  /** The ids of a collection, in creation order. */
  ids(collection: Collection): string[] {
    return [...this.records[collection].keys()];
  }

  /** Records that something outside the record maps (tokens, cursors) changed. */
  markDirty(): void {
    this.dirty = true;
  }

  /** The object with this id when it belongs to `scope`; a copy. */
  get(collection: Collection, scope: Scope, id: string): JsonObject | undefined {
    const record = this.records[collection].get(id);
    return record !== undefined && sameScope(record.scope, scope)
      ? cloneJson(record.object)
      : undefined;
  }

  /** The object with this id in any scope, with its scope (for out-of-band changes). */
  getAnyScope(
    collection: Collection,
    id: string,
  ): { scope: Scope; object: JsonObject } | undefined {
    const record = this.records[collection].get(id);
    return record === undefined
      ? undefined
      : { scope: record.scope, object: cloneJson(record.object) };
  }

  /** Every object of `scope`, in creation order; copies. */
  list(collection: Collection, scope: Scope): JsonObject[] {
    return [...this.records[collection].values()]
      .filter((record) => sameScope(record.scope, scope))
      .map((record) => cloneJson(record.object));
  }

  /** Every object of every scope with its scope, in creation order; copies. */
  entries(collection: Collection): Array<{ scope: Scope; object: JsonObject }> {
    return [...this.records[collection].values()].map((record) => ({
      scope: { ...record.scope },
      object: cloneJson(record.object),
    }));
  }

  /** Inserts or replaces an object (keyed by its `id`). */
  put(collection: Collection, scope: Scope, object: JsonObject): void {
    this.records[collection].set(String(object.id), {
      scope: { ...scope },
      object: cloneJson(object),
    });
    if (collection === "flows") this.scheduleChanged(String(object.id));
    this.dirty = true;
  }

  /** Removes an object; returns whether it existed. */
  remove(collection: Collection, id: string): boolean {
    const existed = this.records[collection].delete(id);
    if (existed && collection === "flows") this.scheduleChanged(id);
    this.dirty ||= existed;
    return existed;
  }

  /** Forgets every object and schedule cursor; keeps issued tokens. */
  clearObjects(): void {
    this.records = emptyRecords();
    this.scheduleCursors.clear();
    this.dirty = true;
  }
}

function emptyRecords(): Record<Collection, Map<string, StoredRecord>> {
  return Object.fromEntries(COLLECTIONS.map((collection) => [collection, new Map()])) as Record<
    Collection,
    Map<string, StoredRecord>
  >;
}

function sameScope(a: Scope, b: Scope): boolean {
  return a.orgId === b.orgId && a.sandboxName === b.sandboxName;
}
