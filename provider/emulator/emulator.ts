/**
 * The emulator's state and the operations behind both the programmatic handle and the admin API:
 * store, clock, specs, faults, request log, out-of-band changes.
 */
import { isPlainObject } from "../resources/values";
import { bumpVersion } from "./catalog";
import { EmulatorClock } from "./clock";
import { FaultRegistry } from "./faults";
import type { Credentials } from "./gateway";
import type { KindContext } from "./kinds/kind";
import { RequestLog } from "./requestLog";
import { FlowRuns, runAt } from "./runs";
import { maskAuthParams, REDACTED, secretAuthParams } from "./secrets";
import { seedConnectionSpecs, seedFlowSpecs } from "./specs";
import { newEtag, Store, type JsonObject } from "./store";
import { COLLECTIONS, type Collection, type EmulatorOptions, type NextRunSpec } from "./types";

/** Who out-of-band edits are attributed to: the Experience Platform UI. */
const UI_CLIENT = "exc_app";
const UI_USER = "emulator-ui-user@AdobeID";

export class Emulator implements KindContext {
  readonly store: Store;
  readonly clock: EmulatorClock;
  readonly connectionSpecs = seedConnectionSpecs();
  readonly flowSpecs = seedFlowSpecs();
  readonly faults = new FaultRegistry();
  /** The auth params the seeded specs mark secret, which the request log and admin API redact. */
  readonly secretAuthParams = secretAuthParams(this.connectionSpecs);
  readonly requestLog = new RequestLog(this.secretAuthParams);
  readonly credentials: Credentials;
  readonly runs: FlowRuns;

  constructor(options: EmulatorOptions) {
    this.store = new Store(options.stateFile);
    this.clock = new EmulatorClock(options.startTime);
    this.clock.advance(this.store.load());
    this.credentials = { clientId: options.clientId, clientSecret: options.clientSecret };
    this.runs = new FlowRuns(this);
  }

  /** Produces the runs that came due since the last call, and settles the finished ones. */
  catchUp(): void {
    this.runs.catchUp(this);
  }

  /** Arms the outcome of a flow's next run(s); false when there is no such flow. */
  armNextRun(flowId: string, spec: NextRunSpec): boolean {
    this.catchUp();
    if (this.store.getAnyScope("flows", flowId) === undefined) {
      return false;
    }
    this.runs.armNextRun(flowId, spec);
    return true;
  }

  /** Persists pending changes (no-op without a state file). */
  commit(): void {
    this.store.flush(this.clock.advanced);
  }

  advanceClock(ms: number): void {
    this.catchUp();
    this.clock.advance(ms);
    this.catchUp();
    this.store.markDirty();
    this.commit();
  }

  /** Forgets objects, runs, armed run outcomes, faults and the request log; keeps specs, tokens and the clock. */
  reset(): void {
    this.store.clearObjects();
    this.runs.clear();
    this.faults.clear();
    this.requestLog.clear();
    this.commit();
  }

  objects(collection: Collection): JsonObject[] {
    assertCollection(collection);
    this.catchUp();
    this.commit();
    const now = this.clock.now();
    // Runs as the API shows them at this moment (a stored run is kept as it will end).
    return this.store
      .entries(collection)
      .map((entry) => (collection === "runs" ? runAt(entry.object, now) : entry.object));
  }

  /** An object as the admin API shows it: secret auth params redacted. */
  redacted(object: JsonObject): JsonObject {
    return maskAuthParams(object, this.secretAuthParams, REDACTED);
  }

  /** Deep-merges `changes` as the AEP UI would save them; returns the object, or undefined when absent. */
  editOutOfBand(
    collection: Collection,
    id: string,
    changes: Record<string, unknown>,
  ): JsonObject | undefined {
    assertCollection(collection);
    if (!isPlainObject(changes)) {
      throw new TypeError("editOutOfBand expects an object of changes");
    }
    this.catchUp();
    const found = this.store.getAnyScope(collection, id);
    if (found === undefined) {
      return undefined;
    }
    const edited =
      collection === "mappingSets"
        ? withNewMappingVersion(found.object, changes, this.clock.now())
        : { ...bumpedVersion(collection, deepMerge(found.object, changes), this.clock.now()), id };
    this.store.put(collection, found.scope, edited);
    this.commit();
    return edited;
  }

  /** Removes an object without the API's referential checks; returns whether it existed. */
  deleteOutOfBand(collection: Collection, id: string): boolean {
    assertCollection(collection);
    this.catchUp();
    const existed = this.store.remove(collection, id);
    if (existed && collection === "flows") {
      this.store.scheduleCursors.delete(id);
    }
    this.commit();
    return existed;
  }
}

/** Throws a TypeError for anything but a known collection name (admin API input is untyped). */
export function assertCollection(collection: string): asserts collection is Collection {
  if (!(COLLECTIONS as readonly string[]).includes(collection)) {
    throw new TypeError(
      `Unknown collection '${collection}'; expected one of ${COLLECTIONS.join(", ")}`,
    );
  }
}

/**
 * A new version after an edit: Catalog bumps its semver, the Schema Registry its modification
 * date (its version moves only with the fields), Flow Service issues a new etag.
 */
function bumpedVersion(collection: Collection, object: JsonObject, now: number): JsonObject {
  if (collection === "dataSets") {
    return { ...object, version: bumpVersion(object.version), updated: now };
  }
  if (collection === "schemas") {
    const metadata = isPlainObject(object["meta:registryMetadata"])
      ? object["meta:registryMetadata"]
      : {};
    return {
      ...object,
      "meta:registryMetadata": {
        ...metadata,
        "repo:lastModifiedDate": now,
        "xdm:lastModifiedClientId": UI_CLIENT,
      },
    };
  }
  const etag = newEtag(now);
  return {
    ...object,
    updatedAt: now,
    updatedBy: UI_USER,
    updatedClient: UI_CLIENT,
    ...(collection === "runs" ? {} : { version: etag }),
    etag,
  };
}

/** An edit of a mapping set in the UI saves a new version of it, as a PUT would. */
function withNewMappingVersion(record: JsonObject, changes: JsonObject, now: number): JsonObject {
  const versions = Array.isArray(record.versions) ? (record.versions as JsonObject[]) : [];
  const latest = versions.at(-1) ?? {};
  const next = {
    ...deepMerge(latest, changes),
    version: versions.length,
    modifiedDate: now,
    modifiedBy: UI_USER,
  };
  return { ...record, versions: [...versions, next] };
}

/** Plain objects merge member by member; anything else (arrays included) replaces. */
function deepMerge(target: JsonObject, changes: JsonObject): JsonObject {
  const merged: JsonObject = { ...target };
  for (const [key, value] of Object.entries(changes)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value)
        ? deepMerge(current, value)
        : structuredClone(value);
  }
  return merged;
}
