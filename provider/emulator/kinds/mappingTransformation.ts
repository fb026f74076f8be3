/**
 * What Flow Service checks about a flow's `Mapping` transformation at create and update time
 * (Flow Service error messages,
 * https://experienceleague.adobe.com/en/docs/experience-platform/sources/errors/flow-service-errors):
 * the mapping set version exists (`1412`, `1419`) and maps into the schema of every target
 * connection's dataset (`1425`).
 */
import { isPlainObject, valueAt } from "../../resources/values";
import { mappingSetVersion } from "../dataPrep";
import { flowError } from "../errors";
import type { JsonObject } from "../store";
import type { Actor, KindContext } from "./kind";

/**
 * `mappingVersion` is sent as the integer 0 by every request sample while the flow spec's schema
 * says string (CONFLICT, https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/marketing-automation/mailchimp-members
 * and the RestStorageToAEP flow spec): both are accepted, and the flow stores and echoes what was
 * sent.
 */
function versionNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) {
    return value;
  }
  return typeof value === "string" && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Throws the Flow Service refusal for a `Mapping` transformation that cannot be used. */
export function assertMappingUsable(
  transformation: JsonObject,
  index: number,
  targetConnectionIds: unknown,
  actor: Actor,
  context: KindContext,
): void {
  const params = isPlainObject(transformation.params) ? transformation.params : {};
  const mappingId = params.mappingId;
  const version = versionNumber(params.mappingVersion);
  if (typeof mappingId !== "string" || mappingId === "" || version === undefined) {
    throw flowError(
      400,
      "1412",
      `Invalid Mapping Version in request: transformations[${index}] needs params.mappingId (a mapping set id) and params.mappingVersion (an integer version, got ${JSON.stringify(params.mappingVersion)}).`,
      {},
      "Invalid mapping version",
    );
  }
  const mappingSet = mappingSetVersion(context, actor.scope, mappingId, version);
  if (mappingSet === "no-set") {
    // UNCONFIRMED whether an unknown mapping id is 1419 or 1412; Flow Service asks Data Prep for
    // the mapping and fails to validate it, which is what 1419 reports.
    throw flowError(
      400,
      "1419",
      `Error validating mapping ${mappingId}, version ${version}: the mapping set does not exist in this sandbox.`,
      {},
      "Mapping validation failed",
    );
  }
  if (mappingSet === "no-version") {
    throw flowError(
      400,
      "1412",
      `Invalid Mapping Version in request: mapping set ${mappingId} has no version ${version}.`,
      {},
      "Invalid mapping version",
    );
  }
  const mappingSchema = mappingSet.xdmSchema;
  for (const targetId of Array.isArray(targetConnectionIds) ? targetConnectionIds : []) {
    const target = context.store.get("targetConnections", actor.scope, String(targetId));
    const targetSchema =
      valueAt(target, ["data", "schema", "id"]) ?? valueAt(target, ["data", "schema", "schemaId"]);
    if (targetSchema !== undefined && targetSchema !== mappingSchema) {
      throw flowError(
        400,
        "1425",
        `The schema of target connection ${String(targetId)} (${String(targetSchema)}) and the schema of mapping ${mappingId} version ${version} (${String(mappingSchema)}) must have the same id and version.`,
        {},
        "Schema mismatch",
      );
    }
  }
}
