/**
 * Flow runs. An enabled scheduled flow produces one successful run per elapsed schedule slot on the
 * emulator clock. Runs are produced lazily (no timers): before every request, and whenever the
 * clock is advanced or objects are inspected.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { notFound } from "./errors";
import type { KindContext } from "./kinds/kind";
import { listResponse, type QueryParams } from "./listQuery";
import { parseSchedule, slotsBetween, type Slot } from "./schedule";
import { newEtag, type JsonObject, type Scope } from "./store";
import { actorOf } from "./gateway";

/** Most runs one flow produces in a single catch-up, so a huge clock jump stays bounded. */
export const MAX_RUNS_PER_CATCH_UP = 1000;

/** Emulated run duration: deterministic, varying a little with the slot. */
const runDurationMs = (slot: Slot): number => 20_000 + (slot.index % 5) * 7_000;
const recordCount = (slot: Slot): number => 100 + ((slot.index * 37) % 50);

/** Turns every elapsed schedule slot of every enabled flow into a run. */
export function produceDueRuns(context: KindContext): void {
  const now = context.clock.now();
  for (const { scope, object: flow } of context.store.entries("flows")) {
    const schedule = parseSchedule(flow.scheduleParams);
    const flowId = String(flow.id);
    const cursor = context.store.scheduleCursors.get(flowId);
    if (
      flow.state !== "enabled" ||
      schedule === undefined ||
      cursor === undefined ||
      cursor >= now
    ) {
      continue;
    }
    const slots = slotsBetween(schedule, cursor, now, MAX_RUNS_PER_CATCH_UP);
    const last = slots.at(-1);
    if (last === undefined) {
      continue;
    }
    let latestRun: JsonObject | undefined;
    for (const slot of slots) {
      latestRun = buildRun(flow, scope, slot);
      context.store.put("runs", scope, latestRun);
    }
    context.store.put("flows", scope, {
      ...flow,
      lastRunDetails: runDetails(latestRun as JsonObject),
    });
    context.store.scheduleCursors.set(flowId, last.at);
  }
}

function buildRun(flow: JsonObject, scope: Scope, slot: Slot): JsonObject {
  const startedAt = slot.at;
  const completedAt = startedAt + runDurationMs(slot);
  const records = recordCount(slot);
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
      durationSummary: { startedAtUTC: startedAt, completedAtUTC: completedAt },
      sizeSummary: { inputBytes: records * 240, outputBytes: records * 171 },
      recordSummary: {
        inputRecordCount: records,
        outputRecordCount: records,
        failedRecordCount: 0,
      },
      fileSummary: { inputFileCount: 1, outputFileCount: 1 },
      statusSummary: { status: "success", errors: [] },
    },
    activities: [],
  };
}

function runDetails(run: JsonObject): JsonObject {
  const duration = (run.metrics as { durationSummary: JsonObject }).durationSummary;
  return {
    id: run.id,
    state: "success",
    startedAtUTC: duration.startedAtUTC,
    completedAtUTC: duration.completedAtUTC,
  };
}

/** `GET /runs` (newest first by default), `GET /runs/{id}` and the older `GET /flows/{id}/runs`. */
export function registerRunRoutes(app: FastifyInstance, context: KindContext): void {
  const listRuns = (scope: Scope, query: QueryParams, extraFilter?: string): JsonObject => {
    const property = [query.property ?? []].flat().concat(extraFilter ?? []);
    return listResponse(
      context.store.list("runs", scope),
      { ...query, property },
      { collectionPath: "/runs", defaultOrderby: "-createdAt" },
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
    return { items: [run] };
  });
  app.get<{ Params: { id: string } }>("/flows/:id/runs", async (request) => {
    const scope = actorOf(request).scope;
    if (context.store.get("flows", scope, request.params.id) === undefined) {
      throw notFound("flows", request.params.id);
    }
    return listRuns(scope, request.query as QueryParams, `flowId==${request.params.id}`);
  });
}
