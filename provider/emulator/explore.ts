/**
 * `GET /connections/{id}/explore` and `/test` for the seeded REST (Mailchimp) sources. The rows
 * are made up but deterministic: the same campaignId or listId always gives the same rows. They
 * are also what the emulator's flow runs read (see runs.ts): a run reads one window of a source's
 * rows, and the preview is the first rows of the first window.
 */
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { connectionSpecIds } from "../resources/specCatalog";
import { isPlainObject, valueAt } from "../resources/values";
import { badRequest, notFound } from "./errors";
import { actorOf } from "./gateway";
import type { SchemaSubset } from "./jsonSchema";
import { assertMatchesSchema, type KindContext } from "./kinds/kind";
import type { JsonObject } from "./store";

type ConnectionRequest = FastifyRequest<{
  Params: { id: string };
  Querystring: Record<string, string | undefined>;
}>;

/** Rows a preview returns. */
const PREVIEW_ROWS = 3;

/** Rows between the starts of two run windows: more than a window ever holds, so none overlap. */
const WINDOW_SPAN = 1000;
/** A run window holds between these many rows (new email activity per slot). */
const WINDOW_ROWS = { min: 20, spread: 81 };

export function registerExploreRoutes(app: FastifyInstance, context: KindContext): void {
  const connectionOf = (request: ConnectionRequest): JsonObject => {
    const connection = context.store.get("connections", actorOf(request).scope, request.params.id);
    if (connection === undefined) {
      throw notFound("connections", request.params.id);
    }
    return connection;
  };

  app.get("/connections/:id/test", async (request: ConnectionRequest) => {
    connectionOf(request);
    return { result: true };
  });

  app.get("/connections/:id/explore", async (request: ConnectionRequest) => {
    const connection = connectionOf(request);
    const spec = context.connectionSpecs.find(
      (candidate) => candidate.id === valueAt(connection, ["connectionSpec", "id"]),
    );
    const objectType = request.query.objectType?.toLowerCase();
    if (objectType === undefined) {
      throw badRequest(
        "The query parameter 'objectType' is required (root or rest for this source).",
      );
    }
    if (objectType === "root") {
      return [
        {
          type: "rest",
          name: String(valueAt(spec, ["attributes", "connectorName"]) ?? "REST"),
          path: "json",
          canPreview: true,
          canFetchSchema: true,
        },
      ];
    }
    if (objectType !== "rest" || spec === undefined) {
      throw badRequest(
        `objectType '${request.query.objectType}' is not supported for this connection; use root or rest.`,
      );
    }
    const sourceParams = decodeSourceParams(request.query.sourceParams);
    assertMatchesSchema(
      sourceParams,
      { type: "object", ...(valueAt(spec, ["sourceSpec", "spec"]) as SchemaSubset) },
      "sourceParams",
    );
    return { data: previewRows(String(spec.id), sourceParams) };
  });
}

/** `sourceParams` is the base64 of a compact JSON object (e.g. `{"campaignId":"c66a200cda"}`). */
function decodeSourceParams(encoded: string | undefined): JsonObject {
  if (encoded === undefined || encoded === "") {
    throw badRequest(
      "The query parameter 'sourceParams' is required for objectType rest: base64 of a JSON object of source params.",
    );
  }
  // Buffer's decoder skips characters it does not know, so check the alphabet first.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) {
    throw badRequest("The query parameter 'sourceParams' is not valid base64.");
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  } catch {
    throw badRequest("The query parameter 'sourceParams' does not decode to JSON.");
  }
  if (!isPlainObject(decoded)) {
    throw badRequest("The query parameter 'sourceParams' must decode to a JSON object.");
  }
  return decoded;
}

function previewRows(specId: string, params: JsonObject): JsonObject[] {
  return rowsOf(specId, params, 0, PREVIEW_ROWS);
}

/**
 * The rows a flow run of the source reads for schedule slot `window`: between 20 and 100,
 * derived from the source params and the slot; the first window starts with the preview's rows.
 * An unknown source spec holds no rows.
 */
export function sourceRecords(specId: string, params: JsonObject, window: number): JsonObject[] {
  const seed = digest(`${specId}:${JSON.stringify(params)}:window:${window}`);
  const count = WINDOW_ROWS.min + (parseInt(seed.slice(0, 8), 16) % WINDOW_ROWS.spread);
  return rowsOf(specId, params, window * WINDOW_SPAN, count);
}

function rowsOf(specId: string, params: JsonObject, from: number, count: number): JsonObject[] {
  const rows = Array.from({ length: count }, (_, offset) => from + offset);
  if (specId === connectionSpecIds.mailchimpCampaign) {
    return campaignActivity(String(params.campaignId), rows);
  }
  if (specId === connectionSpecIds.mailchimpMembers) {
    return listMembers(String(params.listId), rows);
  }
  return [];
}

/** Mailchimp `email-activity` rows for a campaign. */
function campaignActivity(campaignId: string, rows: number[]): JsonObject[] {
  const listId = digest(`list:${campaignId}`).slice(0, 10);
  return rows.map((row) => {
    const seed = digest(`${campaignId}:${row}`);
    const opened = baseTime(seed) + (row % WINDOW_SPAN) * 3_600_000;
    return {
      campaign_id: campaignId,
      list_id: listId,
      list_is_active: true,
      email_id: seed.slice(0, 32),
      email_address: `subscriber${row + 1}.${seed.slice(0, 6)}@example.com`,
      activity: [
        { action: "open", timestamp: new Date(opened).toISOString(), ip: ipOf(seed) },
        ...(row % 2 === 0
          ? [
              {
                action: "click",
                timestamp: new Date(opened + 95_000).toISOString(),
                ip: ipOf(seed),
                url: "https://example.com/offer",
              },
            ]
          : []),
      ],
    };
  });
}

/** Mailchimp `members` rows for an audience list. */
function listMembers(listId: string, rows: number[]): JsonObject[] {
  return rows.map((row) => {
    const seed = digest(`${listId}:${row}`);
    return {
      id: seed.slice(0, 32),
      email_address: `member${row + 1}.${seed.slice(0, 6)}@example.com`,
      unique_email_id: seed.slice(32, 42),
      status: "subscribed",
      list_id: listId,
      merge_fields: { FNAME: `First${row + 1}`, LNAME: `Last${row + 1}` },
      timestamp_opt: new Date(baseTime(seed)).toISOString(),
    };
  });
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A timestamp in 2021, derived from the seed. */
function baseTime(seed: string): number {
  return Date.UTC(2021, 0, 1) + (parseInt(seed.slice(0, 8), 16) % (365 * 86_400)) * 1000;
}

/** An address in TEST-NET-2 (RFC 5737), derived from the seed. */
function ipOf(seed: string): string {
  return `198.51.100.${(parseInt(seed.slice(8, 10), 16) % 254) + 1}`;
}
