/**
 * Flows (`/flows`): a source connection, a target connection and a schedule under a flow spec.
 * Flows are enabled on creation and can be disabled/enabled through the action endpoint.
 */
import { isPlainObject, valueAt } from "../../resources/values";
import { badRequest } from "../errors";
import { initialCursor, normalizeSchedule, parseSchedule } from "../schedule";
import { transformationSpecsOf } from "../specs";
import type { JsonObject } from "../store";
import {
  defined,
  flowSpecOrFail,
  optionalObject,
  referencedOrFail,
  specReference,
  type Actor,
  type InstanceKind,
  type KindContext,
  type WriteEvent,
} from "./kind";
import { assertMappingUsable } from "./mappingTransformation";

export const flowsKind: InstanceKind = {
  collection: "flows",
  required: ["name", "flowSpec.id", "sourceConnectionIds", "targetConnectionIds"],
  patch: {
    patchable: [
      /^\/name$/,
      /^\/description$/,
      /^\/scheduleParams(\/[^/]+)?$/,
      /^\/transformations(\/.*)?$/,
      /^\/labels(\/.*)?$/,
    ],
    described:
      "/name, /description, /scheduleParams[/<member>], /transformations[/<n>...] and /labels",
    immutable: ["flowSpec"],
  },
  hasLastOperation: true,
  actions: {
    enable: { from: "disabled", to: "enabled" },
    disable: { from: "enabled", to: "disabled" },
  },

  build(body, id, actor, context) {
    const flowSpec = flowSpecOrFail(context, valueAt(body, ["flowSpec", "id"]));
    const sources = connectionsFor(body, "sourceConnectionIds", flowSpec, actor, context);
    const targets = connectionsFor(body, "targetConnectionIds", flowSpec, actor, context);
    return {
      name: body.name,
      ...defined("description", body.description),
      flowSpec: specReference(body.flowSpec, flowSpec),
      sourceConnectionIds: sources.map((source) => source.id),
      targetConnectionIds: targets.map((target) => target.id),
      inheritedAttributes: {
        properties: { isSourceFlow: valueAt(flowSpec, ["attributes", "isSourceFlow"]) ?? true },
        sourceConnections: sources.map((source) => ({
          id: source.id,
          connectionSpec: source.connectionSpec,
          ...defined("baseConnection", baseConnectionSummary(source, actor, context)),
        })),
        targetConnections: targets.map((target) => ({
          id: target.id,
          connectionSpec: target.connectionSpec,
        })),
      },
      ...scheduleOf(body, flowSpec),
      transformations: transformationsOf(body, flowSpec, actor, context),
      ...defined("options", optionalObject(body, "options")),
      labels: labelsOf(body),
      runs: `/runs?property=flowId==${id}`,
    };
  },

  revalidate(next, previous, actor, context) {
    const flowSpec = flowSpecOrFail(context, valueAt(next, ["flowSpec", "id"]));
    const schedule = scheduleOf(next, flowSpec);
    const previousStart = valueAt(previous, ["scheduleParams", "startTime"]);
    const startTimeChanged = valueAt(schedule, ["scheduleParams", "startTime"]) !== previousStart;
    if (
      startTimeChanged &&
      previousStart !== undefined &&
      Number(previousStart) * 1000 <= context.clock.now()
    ) {
      throw badRequest(
        `'scheduleParams.startTime' cannot be changed: the flow's original start time (${String(previousStart)}) has already passed.`,
      );
    }
    return {
      ...next,
      ...schedule,
      transformations: transformationsOf(next, flowSpec, actor, context),
      labels: labelsOf(next),
    };
  },

  // Deleting a flow is always allowed; its runs go with it (see afterWrite).
  assertDeletable: () => undefined,

  present: (object) => object,

  afterWrite(event, context) {
    const flowId = String(event.object.id);
    const cursors = context.store.scheduleCursors;
    const reschedule = (): void => {
      const schedule = parseSchedule(event.object.scheduleParams);
      if (schedule === undefined) {
        cursors.delete(flowId);
      } else {
        cursors.set(flowId, initialCursor(schedule, context.clock.now()));
      }
      context.store.markDirty();
    };
    if (event.type === "create" || (event.type === "update" && startTimeChanged(event))) {
      reschedule();
    } else if (event.type === "action" && event.op === "enable") {
      // Slots that passed while the flow was disabled are skipped, not caught up.
      cursors.set(flowId, context.clock.now());
      context.store.markDirty();
    } else if (event.type === "delete") {
      cursors.delete(flowId);
      for (const run of context.store.entries("runs")) {
        if (run.object.flowId === flowId) {
          context.store.remove("runs", String(run.object.id));
        }
      }
    }
  },
};

function startTimeChanged(event: Extract<WriteEvent, { type: "update" }>): boolean {
  return (
    valueAt(event.object, ["scheduleParams", "startTime"]) !==
    valueAt(event.previous, ["scheduleParams", "startTime"])
  );
}

/** The referenced connections, each existing in the sandbox and accepted by the flow spec. */
function connectionsFor(
  body: JsonObject,
  field: "sourceConnectionIds" | "targetConnectionIds",
  flowSpec: JsonObject,
  actor: Actor,
  context: KindContext,
): JsonObject[] {
  const ids = body[field];
  if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== "string")) {
    throw badRequest(`'${field}' must be a non-empty array of connection IDs.`);
  }
  const isSource = field === "sourceConnectionIds";
  const collection = isSource ? "sourceConnections" : "targetConnections";
  const what = isSource ? "source connection" : "target connection";
  const accepted = flowSpec[
    isSource ? "sourceConnectionSpecIds" : "targetConnectionSpecIds"
  ] as unknown[];
  return ids.map((id) => {
    const connection = referencedOrFail(context, collection, actor, id, what);
    const specId = valueAt(connection, ["connectionSpec", "id"]);
    if (!accepted.includes(specId)) {
      throw badRequest(
        `The flow spec ${String(flowSpec.name)} (${String(flowSpec.id)}) does not accept ${what}s of connection spec ${String(specId)} (${String(id)}).`,
      );
    }
    return connection;
  });
}

function baseConnectionSummary(
  source: JsonObject,
  actor: Actor,
  context: KindContext,
): JsonObject | undefined {
  if (typeof source.baseConnectionId !== "string") {
    return undefined;
  }
  const base = context.store.get("connections", actor.scope, source.baseConnectionId);
  return {
    id: source.baseConnectionId,
    connectionSpec: base?.connectionSpec ?? source.connectionSpec,
  };
}

/** `{scheduleParams}` normalized; required when the flow spec has a scheduleSpec. */
function scheduleOf(body: JsonObject, flowSpec: JsonObject): JsonObject {
  if (body.scheduleParams === undefined) {
    if (flowSpec.scheduleSpec !== undefined) {
      throw badRequest(
        `Required field 'scheduleParams' is missing: flow spec ${String(flowSpec.name)} runs on a schedule.`,
      );
    }
    return {};
  }
  return { scheduleParams: normalizeSchedule(body.scheduleParams) };
}

/**
 * Transformations must be objects named after one of the flow spec's transformation specs (a
 * `Mapping` only where the spec declares one), and a `Mapping` must name a usable mapping set.
 */
function transformationsOf(
  body: JsonObject,
  flowSpec: JsonObject,
  actor: Actor,
  context: KindContext,
): unknown[] {
  const transformations = body.transformations ?? [];
  if (!Array.isArray(transformations)) {
    throw badRequest("'transformations' must be an array.");
  }
  const known = transformationSpecsOf(flowSpec).map((spec) => spec.name);
  transformations.forEach((transformation, index) => {
    if (!isPlainObject(transformation) || !known.includes(transformation.name)) {
      throw badRequest(
        known.length === 0
          ? `'transformations[${index}]': flow spec ${String(flowSpec.name)} takes no transformations.`
          : `'transformations[${index}].name' must be one of ${known.join(", ")} for flow spec ${String(flowSpec.name)}.`,
      );
    }
    if (transformation.name === "Mapping") {
      assertMappingUsable(transformation, index, body.targetConnectionIds, actor, context);
    }
  });
  return transformations;
}

function labelsOf(body: JsonObject): unknown[] {
  const labels = body.labels ?? [];
  if (!Array.isArray(labels) || labels.some((label) => typeof label !== "string")) {
    throw badRequest("'labels' must be an array of strings.");
  }
  return labels;
}
