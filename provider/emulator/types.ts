/**
 * Public types of the Flow Service emulator, re-exported by `pulumi-aep-flow/emulator`. They live
 * apart from `index.ts` so the emulator's own modules can import them without a cycle.
 */
import type { FlowServiceCollection } from "../client/types";

/** How {@link startEmulator} sets the emulator up. Every field is optional. */
export interface EmulatorOptions {
  /** TCP port; `0` (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /**
   * JSON file that keeps the emulator's objects, tokens and clock across restarts: loaded at start,
   * rewritten (temp file + rename) after every change. Secrets are stored unmasked: this is a local
   * development tool, so keep the file out of version control.
   */
  stateFile?: string;
  /** When set with `clientSecret`, the token endpoint accepts only this pair. */
  clientId?: string;
  /** See `clientId`. By default any non-empty client id/secret pair gets a token. */
  clientSecret?: string;
  /** ms epoch start of the emulator clock; default Date.now() */
  startTime?: number;
}

/**
 * A fault to apply to the next matching request(s). Faults are matched in the order they were
 * injected; every matching fault applies and uses up one of its `count`.
 */
export interface FaultSpec {
  /** HTTP method to match, case-insensitive; default: any. */
  method?: string;
  /** A path prefix such as "/data/foundation/flowservice/flows", or a RegExp source when it starts with "^". */
  path: string;
  /** How many matching requests it affects, default 1. */
  count?: number;
  /** Answer with this status (gateway body for 429, Flow Service problem body otherwise). */
  status?: 429 | 500 | 502 | 503 | number;
  /** Retry-After header value sent with `status` (seconds or an HTTP date). */
  retryAfter?: string;
  /** Delay before handling, in real milliseconds. */
  latencyMs?: number;
  /** Destroy the socket before handling, or after the request was applied (no response either way). */
  drop?: "before" | "after";
}

/**
 * What the next run(s) of a flow do, armed with {@link EmulatorHandle.nextRun} or
 * `POST /__emulator/flows/<id>/nextRun`. Without one, a run reads its records and succeeds.
 */
export interface NextRunSpec {
  /**
   * `failed`: the run fails with Adobe's run-level code (`CONNECTOR-2001-500` when processing the
   * copied data failed, `CONNECTOR-1001-500` when copying from the source did). `partialSuccess`:
   * some records fail; Adobe reports such a run as `success` with `failedRecordCount` and errors.
   */
  outcome: "success" | "failed" | "partialSuccess";
  /** For `failed`: which activity fails; default `promotion` (`CONNECTOR-2001-500`). */
  stage?: "copy" | "promotion";
  /** For `partialSuccess`: how many records fail (at most those read); default 10%, at least 1. */
  failedRecords?: number;
  /** The activity-level detail errors (`statusSummary.extensions.errors`) instead of the default ones. */
  errors?: Array<{ code: string; message: string }>;
  /** How many of the flow's next runs do this; default 1. */
  count?: number;
}

/** One request the emulator received, as {@link EmulatorHandle.requests} reports it. */
export interface RequestLogEntry {
  method: string;
  /** URL path without the query string. */
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-case header names; the Authorization value reads `Bearer [REDACTED]`. */
  headers: Record<string, string>;
  /**
   * The parsed body (JSON, or the token request's form fields), when there was one, with every
   * credential reading `[REDACTED]`: the token request's `client_secret`, the auth params the
   * connection specs mark secret (`format: password`) in a body and in JSON Patch values, and a
   * text body the emulator did not parse.
   */
  body?: unknown;
  /** Status sent back; `0` when the connection was dropped by a fault. */
  status: number;
}

/**
 * The stateful collections the emulator stores: the Flow Service collections the provider
 * manages, the flow runs, Catalog datasets, Schema Registry tenant schemas (keyed by
 * `meta:altId`) and Data Prep mapping sets (each with every version, `{id, versions: [...]}`).
 */
export type Collection = FlowServiceCollection | "runs" | "dataSets" | "schemas" | "mappingSets";

/** Every collection name, in a stable order (a Record, so the compiler checks none is missing). */
export const COLLECTIONS = Object.keys({
  connections: true,
  sourceConnections: true,
  targetConnections: true,
  flows: true,
  runs: true,
  dataSets: true,
  schemas: true,
  mappingSets: true,
} satisfies Record<Collection, true>) as readonly Collection[];

/** A running emulator, as {@link startEmulator} resolves it. */
export interface EmulatorHandle {
  /** Base URL of the single origin serving IMS, Flow Service, Catalog and the admin API, e.g. "http://127.0.0.1:4010". */
  url: string;
  port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
  /** Forgets all objects, runs, armed run outcomes, faults and the request log; keeps the seeded specs, issued tokens and the clock. */
  reset(): void;
  /** Adds a fault; throws a TypeError when the spec is malformed. */
  inject(fault: FaultSpec): void;
  clearFaults(): void;
  /** Moves the emulator clock forward; enabled scheduled flows produce runs for each elapsed cadence. */
  advanceClock(ms: number): void;
  /** The emulator clock, ms epoch. */
  now(): number;
  /**
   * Makes the next run(s) of a flow fail or partially succeed (replacing what was armed for it).
   * Throws when the flow does not exist or the spec is malformed. Forgotten on reset and restart.
   */
  nextRun(flowId: string, spec: NextRunSpec): void;
  /**
   * Out-of-band change, as if someone used the AEP UI: deep-merges `changes` into the object and
   * bumps its etag and update time. Throws when the object does not exist.
   */
  editOutOfBand(collection: Collection, id: string, changes: Record<string, unknown>): void;
  /** Out-of-band delete (no referential checks). Throws when the object does not exist. */
  deleteOutOfBand(collection: Collection, id: string): void;
  /**
   * Every stored object of a collection (all orgs/sandboxes), as stored, secrets unmasked, for a
   * test's assertions; the admin API's `GET /__emulator/objects/<collection>` redacts them.
   */
  objects(collection: Collection): Record<string, unknown>[];
  /** Requests received since start/reset, credentials redacted (see {@link RequestLogEntry}). */
  requests(): RequestLogEntry[];
  clearRequests(): void;
}
