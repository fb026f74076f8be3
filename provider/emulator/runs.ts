/**
 * Flow runs. An enabled scheduled flow starts one run per elapsed schedule slot on the emulator
 * clock. A run copies the records its source holds for the slot's window (the rows explore
 * previews, see explore.ts) and promotes them into the dataset: it is `inProgress` until both
 * activities have taken their time on the emulator clock, then `success` or, when the admin
 * control said so, `failed` or partially successful (Adobe reports that as `success` with failed
 * records and errors, as in the run samples of "Monitor dataflows",
 * https://experienceleague.adobe.com/en/docs/experience-platform/dataflows/api/monitor).
 *
 * Runs are produced lazily (no timers): before every request, and whenever the clock is advanced
 * or objects are inspected. The store keeps each run as it will be when finished; {@link runAt}
 * derives what it looks like at a given moment, so a restart or a clock jump needs no bookkeeping.
 * A catch-up costs the same however many flows the emulator holds: it keeps when each flow's next
 * run is due, recomputed only for the flows the store reports changed, and looks at the due ones.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { isPlainObject, valueAt } from "../resources/values";
import { notFound } from "./errors";
import { sourceRecords } from "./explore";
import { actorOf } from "./gateway";
import type { KindContext } from "./kinds/kind";
import { listResponse, type QueryParams } from "./listQuery";
import { nextSlotAfter, parseSchedule, slotsBetween, type Slot } from "./schedule";
import { newEtag, type JsonObject, type Scope } from "./store";
import type { NextRunSpec } from "./types";

/** Most runs one flow produces in a single catch-up, so a huge clock jump stays bounded. */
export const MAX_RUNS_PER_CATCH_UP = 1000;

/** The run statuses the emulator reports, in Adobe's spelling (`metrics.statusSummary.status`). */
export const RUN_STATUSES = ["inProgress", "success", "failed"] as const;

/** Share of the records a partially successful run fails when the control names no count. */
const DEFAULT_FAILED_SHARE = 0.1;

/** Parquet in the data lake is smaller than the JSON read (the samples show about 0.7). */
const OUTPUT_BYTES_RATIO = 0.7;

/** Emulated activity durations: a fixed start-up plus a per-record cost, on the emulator clock. */
const COPY_MS = { base: 8_000, perRecord: 150 };
const PROMOTION_MS = { base: 5_000, perRecord: 100 };

/** Run-level error codes of the sources notifications page (https://experienceleague.adobe.com/en/docs/experience-platform/sources/notifications). */
const COPY_FAILED = {
  code: "CONNECTOR-1001-500",
  message: "Error in copying data from the source.",
};
const PROCESSING_FAILED = {
  code: "CONNECTOR-2001-500",
  message: "Error in processing (parsing, validation or transformation) the copied data.",
};
const PROMOTION_ERRORS = {
  code: "CONNECTOR-2001-500",
  message: "Error occurred at promotion activity.",
};

interface ArmedRun {
  spec: NextRunSpec;
  remaining: number;
}

/** A produced run whose end is still ahead on the clock; the flow's `lastRunDetails` waits for it. */
interface PendingRun {
  flowId: string;
  run: JsonObject;
}

/**
 * The runs side of the emulator's state that the store does not hold: outcomes armed for the
 * next runs of a flow (like faults, forgotten on restart and reset), and the runs still going,
 * whose completion updates their flow's `lastRunDetails`.
 */
export class FlowRuns {
  private readonly armed = new Map<string, ArmedRun>();
  private pending: PendingRun[] = [];
  /** When the first of the pending runs ends. */
  private nextCompletion = Number.POSITIVE_INFINITY;
  /**
   * When each flow's next run is due: the first schedule slot after its cursor, for the enabled
   * flows with a schedule and a cursor (the others produce no run).
   */
  private readonly due = new Map<string, number>();
  /** The earliest of them. */
  private nextDue = Number.POSITIVE_INFINITY;

  /** Rebuilds the runs still going from the store (after a restart with a state file). */
  constructor(context: KindContext) {
    const now = context.clock.now();
    for (const { object } of context.store.entries("runs")) {
      if (completionOf(object) > now) {
        this.addPending(String(object.flowId), object);
      }
    }
  }

  /** Arms the outcome of the next `count` runs of a flow (replacing what was armed). */
  armNextRun(flowId: string, spec: NextRunSpec): void {
    const checked = checkNextRunSpec(spec);
    this.armed.set(flowId, { spec: checked, remaining: checked.count ?? 1 });
  }

  /** The outcomes still armed, by flow id. */
  armedRuns(): Record<string, NextRunSpec> {
    return Object.fromEntries(
      [...this.armed].map(([flowId, { spec, remaining }]) => [
        flowId,
        { ...spec, count: remaining },
      ]),
    );
  }

  /** Forgets armed outcomes and pending runs (the store was emptied). */
  clear(): void {
    this.armed.clear();
    this.pending = [];
    this.nextCompletion = Number.POSITIVE_INFINITY;
  }

  /** Starts a run for every elapsed schedule slot of every enabled flow, and settles finished runs. */
  catchUp(context: KindContext): void {
    const now = context.clock.now();
    this.updateDue(context);
    if (this.nextDue <= now) {
      for (const flowId of this.dueBy(now, context)) {
        const found = context.store.getAnyScope("flows", flowId);
        const schedule = parseSchedule(found?.object.scheduleParams);
        const cursor = context.store.scheduleCursors.get(flowId);
        if (found === undefined || schedule === undefined || cursor === undefined) {
          continue;
        }
        const { scope, object: flow } = found;
        const slots = slotsBetween(schedule, cursor, now, MAX_RUNS_PER_CATCH_UP);
        for (const slot of slots) {
          const run = buildRun(flow, scope, slot, this.takeArmed(flowId), context);
          context.store.put("runs", scope, run);
          this.addPending(flowId, run);
        }
        const last = slots.at(-1);
        if (last !== undefined) {
          context.store.scheduleCursors.set(flowId, last.at);
        }
      }
      this.updateDue(context);
    }
    this.settle(context, now);
  }

  /** Recomputes when the flows the store reports changed are due next. */
  private updateDue(context: KindContext): void {
    const changes = context.store.takeScheduleChanges();
    if (changes !== "all" && changes.size === 0) {
      return;
    }
    if (changes === "all") {
      this.due.clear();
    }
    for (const flowId of changes === "all" ? context.store.ids("flows") : changes) {
      const flow = context.store.getAnyScope("flows", flowId)?.object;
      const schedule = flow?.state === "enabled" ? parseSchedule(flow.scheduleParams) : undefined;
      const cursor = context.store.scheduleCursors.get(flowId);
      const at =
        schedule === undefined || cursor === undefined
          ? undefined
          : nextSlotAfter(schedule, cursor);
      if (at === undefined) this.due.delete(flowId);
      else this.due.set(flowId, at);
    }
    this.nextDue = earliest(this.due.values());
  }

  /** The flows due by `now`, in the store's order (the order their runs are created in). */
  private dueBy(now: number, context: KindContext): string[] {
    const due = [...this.due].filter(([, at]) => at <= now).map(([flowId]) => flowId);
    if (due.length < 2) {
      return due;
    }
    const position = new Map(context.store.ids("flows").map((flowId, index) => [flowId, index]));
    return due.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
  }

  private addPending(flowId: string, run: JsonObject): void {
    this.pending.push({ flowId, run });
    this.nextCompletion = Math.min(this.nextCompletion, completionOf(run));
  }

  /** Records each run that has finished by `now` as its flow's `lastRunDetails`. */
  private settle(context: KindContext, now: number): void {
    if (this.nextCompletion > now) {
      return;
    }
    const finished = this.pending.filter((entry) => completionOf(entry.run) <= now);
    this.pending = this.pending.filter((entry) => completionOf(entry.run) > now);
    this.nextCompletion = earliest(this.pending.map((entry) => completionOf(entry.run)));
    const latest = new Map<string, JsonObject>();
    for (const { flowId, run } of finished) {
      const known = latest.get(flowId);
      if (known === undefined || startOf(run) >= startOf(known)) {
        latest.set(flowId, run);
      }
    }
    for (const [flowId, run] of latest) {
      const found = context.store.getAnyScope("flows", flowId);
      const current = found?.object.lastRunDetails;
      // A run of a deleted flow, or one older than the flow's last finished run, changes nothing.
      if (
        found === undefined ||
        (isPlainObject(current) && Number(current.startedAtUTC) > startOf(run))
      ) {
        continue;
      }
      // Not a change of the flow's definition: its etag stays.
      context.store.put("flows", found.scope, { ...found.object, lastRunDetails: runDetails(run) });
    }
  }

  private takeArmed(flowId: string): NextRunSpec | undefined {
    const armed = this.armed.get(flowId);
    if (armed === undefined) {
      return undefined;
    }
    armed.remaining -= 1;
    if (armed.remaining <= 0) {
      this.armed.delete(flowId);
    }
    return armed.spec;
  }
}

/** The smallest of the times, or +Infinity for none. */
function earliest(times: Iterable<number>): number {
  let min = Number.POSITIVE_INFINITY;
  for (const time of times) min = Math.min(min, time);
  return min;
}

/** Validates an admin control (untyped input); throws a TypeError naming the field. */
function checkNextRunSpec(input: unknown): NextRunSpec {
  const fail = (message: string): never => {
    throw new TypeError(`Invalid next run: ${message}`);
  };
  if (!isPlainObject(input)) {
    return fail('expected an object such as {"outcome": "failed"}.');
  }
  const { outcome, stage, failedRecords, errors, count } = input;
  if (outcome !== "success" && outcome !== "failed" && outcome !== "partialSuccess") {
    fail("'outcome' must be one of success, failed, partialSuccess.");
  }
  if (
    stage !== undefined &&
    (outcome !== "failed" || (stage !== "copy" && stage !== "promotion"))
  ) {
    fail("'stage' applies to outcome failed and must be copy or promotion.");
  }
  if (
    failedRecords !== undefined &&
    (outcome !== "partialSuccess" ||
      !Number.isInteger(failedRecords) ||
      (failedRecords as number) < 1)
  ) {
    fail("'failedRecords' applies to outcome partialSuccess and must be a positive integer.");
  }
  if (
    errors !== undefined &&
    (!Array.isArray(errors) ||
      errors.length === 0 ||
      !errors.every(
        (error) =>
          isPlainObject(error) &&
          typeof error.code === "string" &&
          typeof error.message === "string",
      ))
  ) {
    fail("'errors' must be a non-empty array of {code, message} strings.");
  }
  if (count !== undefined && !(Number.isInteger(count) && (count as number) > 0)) {
    fail("'count' must be a positive integer.");
  }
  return { ...(input as unknown as NextRunSpec) };
}

/** What the run's source holds for its window: the rows explore would show, or none at all. */
interface SourceRead {
  sourceConnectionId: string;
  /** Undefined when the source connection is gone: the copy fails. */
  rows?: JsonObject[];
}

function readSource(flow: JsonObject, scope: Scope, slot: Slot, context: KindContext): SourceRead {
  const sourceConnectionId = String((flow.sourceConnectionIds as unknown[] | undefined)?.[0] ?? "");
  const source = context.store.get("sourceConnections", scope, sourceConnectionId);
  if (source === undefined) {
    return { sourceConnectionId };
  }
  const specId = String(valueAt(source, ["connectionSpec", "id"]));
  const params = isPlainObject(source.params) ? source.params : {};
  return { sourceConnectionId, rows: sourceRecords(specId, params, slot.index) };
}

/** The run of one slot, as it will be once finished. */
function buildRun(
  flow: JsonObject,
  scope: Scope,
  slot: Slot,
  armed: NextRunSpec | undefined,
  context: KindContext,
): JsonObject {
  // A flow whose start had passed when it was created runs when it is created, not in the past.
  const startedAt = Math.max(slot.at, Number(flow.createdAt ?? 0));
  const source = readSource(flow, scope, slot, context);
  const outcome = armed?.outcome ?? "success";
  const copyFails = source.rows === undefined || (outcome === "failed" && armed?.stage === "copy");
  const rows = source.rows ?? [];
  const read = copyFails ? 0 : rows.length;
  const inputBytes = Buffer.byteLength(JSON.stringify(rows));
  const failed =
    outcome === "failed"
      ? read
      : outcome === "partialSuccess"
        ? Math.min(
            armed?.failedRecords ?? Math.max(1, Math.ceil(read * DEFAULT_FAILED_SHARE)),
            read,
          )
        : 0;
  const written = read - failed;
  const outputBytes =
    read === 0 ? 0 : Math.round((inputBytes * OUTPUT_BYTES_RATIO * written) / read);

  const copyEnd = startedAt + COPY_MS.base + COPY_MS.perRecord * read;
  const promotionStart = copyEnd + 200;
  const completedAt = copyFails
    ? copyEnd
    : promotionStart + PROMOTION_MS.base + PROMOTION_MS.perRecord * read;
  const runFailed = copyFails || outcome === "failed";
  const runErrors = copyFails
    ? [COPY_FAILED]
    : outcome === "failed"
      ? [PROCESSING_FAILED]
      : failed > 0
        ? [PROMOTION_ERRORS]
        : [];
  const detailErrors = armed?.errors ?? defaultDetailErrors(outcome, copyFails, failed, written);
  const batchId = batchIdOf();

  const copy: JsonObject = {
    id: randomUUID(),
    name: "Copy Activity",
    updatedAtUTC: copyEnd,
    durationSummary: { startedAtUTC: startedAt, completedAtUTC: copyEnd },
    sizeSummary: copyFails ? { inputBytes: -1 } : { inputBytes, outputBytes: inputBytes },
    recordSummary: copyFails ? {} : { inputRecordCount: read, outputRecordCount: read },
    fileSummary: copyFails ? { inputFileCount: -1 } : { inputFileCount: 1, outputFileCount: 1 },
    statusSummary: copyFails
      ? { status: "failed", errors: runErrors, extensions: { errors: detailErrors } }
      : { status: "success", extensions: { type: "one-time" } },
    sourceInfo: [
      {
        id: source.sourceConnectionId,
        type: "SourceConnection",
        reference: { type: "AdfRunId", ids: [randomUUID()] },
      },
    ],
  };
  const promotion: JsonObject = {
    id: randomUUID(),
    name: "Promotion Activity",
    updatedAtUTC: completedAt,
    durationSummary: { startedAtUTC: promotionStart, completedAtUTC: completedAt },
    sizeSummary: { inputBytes, outputBytes },
    recordSummary: {
      inputRecordCount: read,
      outputRecordCount: written,
      failedRecordCount: failed,
    },
    fileSummary: { inputFileCount: 1, outputFileCount: written > 0 ? 1 : 0 },
    statusSummary: {
      status: runFailed ? "failed" : "success",
      errors: runErrors,
      ...(detailErrors.length > 0 ? { extensions: { errors: detailErrors } } : {}),
    },
    targetInfo: ((flow.targetConnectionIds as unknown[] | undefined) ?? []).map((id) => ({
      id,
      type: "TargetConnection",
      reference: { type: "Batch", ids: [batchId] },
    })),
  };
  const lastActivity = copyFails ? copy : promotion;
  return {
    id: randomUUID(),
    createdAt: startedAt,
    updatedAt: completedAt,
    createdBy: flow.createdBy,
    updatedBy: flow.createdBy,
    createdClient: flow.createdClient,
    updatedClient: flow.createdClient,
    sandboxId: flow.sandboxId,
    sandboxName: scope.sandboxName,
    imsOrgId: scope.orgId,
    flowId: flow.id,
    flowSpec: flow.flowSpec,
    etag: newEtag(completedAt),
    metrics: {
      // Adobe's failed run sample has no run-level completedAtUTC: only its activities end.
      durationSummary: runFailed
        ? { startedAtUTC: startedAt }
        : { startedAtUTC: startedAt, completedAtUTC: completedAt },
      sizeSummary: copyFails ? { inputBytes: -1 } : { inputBytes, outputBytes },
      ...(copyFails
        ? {}
        : {
            recordSummary: {
              inputRecordCount: read,
              outputRecordCount: written,
              failedRecordCount: failed,
            },
          }),
      fileSummary: copyFails
        ? { inputFileCount: -1 }
        : {
            inputFileCount: 1,
            outputFileCount: written > 0 ? 1 : 0,
            activityRefs: [lastActivity.id],
          },
      statusSummary: {
        status: runFailed ? "failed" : "success",
        errors: runErrors,
        activityRefs: [lastActivity.id],
      },
    },
    activities: copyFails ? [copy] : [copy, promotion],
  };
}

/** Activity-level detail, in the codes of Adobe's run samples. */
function defaultDetailErrors(
  outcome: NextRunSpec["outcome"],
  copyFails: boolean,
  failed: number,
  written: number,
): JsonObject[] {
  if (copyFails) {
    return [
      { code: "CONNECTOR-1001-500", message: "The source did not answer: no record was read." },
    ];
  }
  if (failed === 0) {
    return [];
  }
  const mapper = {
    code: "MAPPER-3700-400",
    recordCount: failed,
    message: "Mapper Transform Error",
  };
  if (outcome === "failed") {
    return [mapper];
  }
  return [
    {
      code: "INGEST-1212-400",
      message: `Encountered ${failed} errors in the data. Successfully ingested ${written} rows. Review the associated diagnostic files for additional details.`,
    },
    mapper,
  ];
}

/** A 26-character Crockford base32 id, the shape of the batch ids in Adobe's run samples. */
function batchIdOf(): string {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  return [...randomBytes(26)].map((byte) => alphabet[byte % 32]).join("");
}

const startOf = (run: JsonObject): number =>
  Number(valueAt(run, ["metrics", "durationSummary", "startedAtUTC"]));

/** When a stored (finished) run ends: its last activity's end, which is its `updatedAt`. */
const completionOf = (run: JsonObject): number => Number(run.updatedAt);

function runDetails(run: JsonObject): JsonObject {
  return {
    id: run.id,
    state: valueAt(run, ["metrics", "statusSummary", "status"]),
    startedAtUTC: startOf(run),
    completedAtUTC: completionOf(run),
  };
}

/**
 * A stored run as it looks at `now`: finished, or `inProgress` with the activities begun so far
 * (an activity still running has no end and no counts yet).
 */
export function runAt(run: JsonObject, now: number): JsonObject {
  if (now >= completionOf(run)) {
    return run;
  }
  const activities = (run.activities as JsonObject[]).flatMap((activity): JsonObject[] => {
    const duration = activity.durationSummary as { startedAtUTC: number; completedAtUTC: number };
    if (now < duration.startedAtUTC) {
      return [];
    }
    if (now >= duration.completedAtUTC) {
      return [activity];
    }
    const { sizeSummary: _s, recordSummary: _r, fileSummary: _f, ...running } = activity;
    return [
      {
        ...running,
        updatedAtUTC: duration.startedAtUTC,
        durationSummary: { startedAtUTC: duration.startedAtUTC },
        statusSummary: { status: "inProgress" },
      },
    ];
  });
  const updatedAt = Math.max(
    ...activities.map((activity) => Number(activity.updatedAtUTC)),
    Number(run.createdAt),
  );
  return {
    ...run,
    updatedAt,
    etag: phaseEtag(String(run.etag), updatedAt),
    metrics: {
      durationSummary: { startedAtUTC: startOf(run) },
      statusSummary: { status: "inProgress", errors: [] },
    },
    activities,
  };
}

/** A stable etag for one phase of a running run (a new one at each activity change). */
function phaseEtag(finalEtag: string, at: number): string {
  const head = createHash("sha256").update(`${finalEtag}:${at}`).digest("hex").slice(0, 8);
  const seconds = Math.floor(at / 1000)
    .toString(16)
    .padStart(8, "0")
    .slice(-8);
  return `"${head}-0000-0200-0000-${seconds}0000"`;
}

/**
 * Status filters match whatever case Adobe's pages spell the status in (`Failed`, `FAILED`,
 * `in_progress`): the values are rewritten to the emulator's own spelling before filtering.
 */
function canonicalStatusFilter(expression: string): string {
  const match = /^(\s*metrics\.statusSummary\.status\s*)(==|!=)(.*)$/s.exec(expression);
  if (match === null) {
    return expression;
  }
  const [, path, operator, values = ""] = match;
  const canonical = values.split(",").map((value) => {
    const bare = value.trim().replace(/^"(.*)"$/, "$1");
    const key = bare.replace(/_/g, "").toLowerCase();
    return RUN_STATUSES.find((status) => status.toLowerCase() === key) ?? value;
  });
  return `${path}${operator}${canonical.join(",")}`;
}

/** `GET /runs` (newest first by default), `GET /runs/{id}` and the older `GET /flows/{id}/runs`. */
export function registerRunRoutes(app: FastifyInstance, context: KindContext): void {
  const runsOf = (scope: Scope): JsonObject[] => {
    const now = context.clock.now();
    return context.store.list("runs", scope).map((run) => runAt(run, now));
  };
  const listRuns = (scope: Scope, query: QueryParams, extraFilter?: string): JsonObject => {
    const property = [query.property ?? []]
      .flat()
      .concat(extraFilter ?? [])
      .map(canonicalStatusFilter);
    return listResponse(
      runsOf(scope),
      { ...query, property },
      {
        collectionPath: "/runs",
        defaultOrderby: "-createdAt",
      },
    );
  };
  app.get("/runs", async (request) =>
    listRuns(actorOf(request).scope, request.query as QueryParams),
  );
  app.get<{ Params: { id: string } }>("/runs/:id", async (request) => {
    const run = context.store.get("runs", actorOf(request).scope, request.params.id);
    if (run === undefined) {
      throw notFound("runs", request.params.id);
    }
    return { items: [runAt(run, context.clock.now())] };
  });
  app.get<{ Params: { id: string } }>("/flows/:id/runs", async (request) => {
    const scope = actorOf(request).scope;
    if (context.store.get("flows", scope, request.params.id) === undefined) {
      throw notFound("flows", request.params.id);
    }
    return listRuns(scope, request.query as QueryParams, `flowId==${request.params.id}`);
  });
}
