/**
 * Schema Registry tenant schemas, written from Adobe's schemas endpoint guide
 * (https://experienceleague.adobe.com/en/docs/experience-platform/xdm/api/schemas), the
 * getting-started guide's Accept rules and the troubleshooting guide's error bodies
 * (https://experienceleague.adobe.com/en/docs/experience-platform/xdm/troubleshooting-guide).
 */
import assert from "node:assert/strict";
import {
  CATALOG,
  dataSetBody,
  experienceEventSchema,
  ORG,
  REGISTRY,
  type Reply,
  UUID_PATTERN,
  XDM_EXPERIENCE_EVENT,
  XED,
  useEmulator,
} from "./helpers";

const DIRECT_MARKETING = "https://ns.adobe.com/xdm/context/experienceevent-directmarketing";
const CAMPAIGN_MARKETING = "https://ns.adobe.com/xdm/context/experienceevent-marketing";
const PERSON_DETAILS = "https://ns.adobe.com/xdm/context/profile-person-details";
const XED_ID = "application/vnd.adobe.xed-id+json";
const XED_FULL = "application/vnd.adobe.xed-full+json; version=1";

/** Asserts the registry's error body exactly, with the request id from the response header. */
function assertXdmError(
  reply: Reply,
  status: number,
  code: string,
  title: string,
  message: string | RegExp,
): void {
  assert.equal(reply.status, status, reply.text);
  const detail = String(reply.body?.detail);
  if (typeof message === "string") {
    assert.equal(detail, message);
  } else {
    assert.match(detail, message);
  }
  assert.deepEqual(reply.body, {
    type: `http://ns.adobe.com/aep/errors/XDM-${code}-${status}`,
    title,
    status,
    report: {
      registryRequestId: reply.headers.get("x-request-id"),
      timestamp: reply.body.report.timestamp,
      "detailed-message": detail,
      "sub-errors": [],
    },
    detail,
  });
  assert.match(String(reply.body.report.registryRequestId), UUID_PATTERN);
  assert.match(String(reply.body.report.timestamp), /^\d\d-\d\d-\d{4} \d\d:\d\d:\d\d$/);
}

describe("emulator Schema Registry tenant schemas", () => {
  const { emulator, api } = useEmulator();

  const registry = (
    method: string,
    path: string,
    options: { json?: unknown; accept?: string } = {},
  ): Promise<Reply> =>
    api.request(method, `${REGISTRY}${path}`, {
      json: options.json,
      headers: options.accept === undefined ? {} : { accept: options.accept },
    });
  const lookup = (id: string, accept = XED): Promise<Reply> =>
    registry("GET", `/tenant/schemas/${encodeURIComponent(id)}`, { accept });

  describe("create", () => {
    it("answers 201 with the schema: $id and meta:altId in the org's tenant, version 1.0, meta:class and meta:extends", async () => {
      const before = emulator.now();
      const reply = await registry("POST", "/tenant/schemas", {
        json: experienceEventSchema("Mailchimp Email Activity", [DIRECT_MARKETING]),
      });
      assert.equal(reply.status, 201, reply.text);
      const stats = await registry("GET", "/stats");
      const tenant = String(stats.body.tenantId);
      assert.match(tenant, /^[a-z0-9]+$/);
      assert.equal(stats.body.imsOrg, ORG);
      const schema = reply.body;
      const hex = /^https:\/\/ns\.adobe\.com\/([^/]+)\/schemas\/([0-9a-f]+)$/.exec(schema.$id);
      assert.ok(hex !== null, schema.$id);
      assert.equal(hex[1], tenant);
      assert.equal(schema["meta:altId"], `_${tenant}.schemas.${hex[2]}`);
      assert.equal(schema.version, "1.0");
      assert.equal(schema.title, "Mailchimp Email Activity");
      assert.equal(schema.description, "Email activity events collected from Mailchimp.");
      assert.deepEqual(schema.allOf, [
        { $ref: XDM_EXPERIENCE_EVENT, type: "object", "meta:xdmType": "object" },
        { $ref: DIRECT_MARKETING, type: "object", "meta:xdmType": "object" },
      ]);
      assert.equal(schema["meta:class"], XDM_EXPERIENCE_EVENT);
      assert.deepEqual(schema["meta:extends"], [
        XDM_EXPERIENCE_EVENT,
        "https://ns.adobe.com/xdm/data/time-series",
        DIRECT_MARKETING,
      ]);
      assert.equal(schema["meta:containerId"], "tenant");
      assert.equal(schema["meta:resourceType"], "schemas");
      assert.equal(schema["meta:tenantNamespace"], `_${tenant}`);
      assert.equal(schema["meta:sandboxType"], "production");
      assert.equal(schema.imsOrg, ORG);
      assert.equal(schema["meta:immutableTags"], undefined);
      const metadata = schema["meta:registryMetadata"];
      assert.ok(metadata["repo:createdDate"] >= before);
      assert.equal(metadata["repo:lastModifiedDate"], metadata["repo:createdDate"]);
      assert.match(metadata.eTag, /^[0-9a-f]{64}$/);
      assert.equal(stats.body.counts.schemas, 1);
    });

    it("refuses a title already used in the sandbox (XDM-1521-400), not one used in another sandbox", async () => {
      const first = await api.createSchema("Email activity");
      const again = await registry("POST", "/tenant/schemas", {
        json: experienceEventSchema("Email activity"),
      });
      assertXdmError(
        again,
        400,
        "1521",
        "Title not unique",
        `Object titles must be unique. An object ${first.$id} already exists with the same title`,
      );
      const dev = await api.in(ORG, "dev").createSchema("Email activity");
      assert.notEqual(dev.$id, first.$id);
    });

    it("needs exactly one class, known field groups meant for it, and a title", async () => {
      const unknownClass = "https://ns.adobe.com/acme/classes/19e1d8b5098a7a76e2c10a81cbc99590";
      assertXdmError(
        await registry("POST", "/tenant/schemas", {
          json: { title: "t", allOf: [{ $ref: unknownClass }] },
        }),
        404,
        "1010",
        "Resource not found",
        `The requested class resource ${unknownClass} with version 1 is not found.`,
      );
      assertXdmError(
        await registry("POST", "/tenant/schemas", {
          json: {
            title: "t",
            allOf: [
              { $ref: XDM_EXPERIENCE_EVENT },
              { $ref: "https://ns.adobe.com/xdm/context/profile" },
            ],
          },
        }),
        400,
        "1000",
        "Invalid request",
        "'allOf' must reference exactly one class; it references 2 (https://ns.adobe.com/xdm/context/experienceevent, https://ns.adobe.com/xdm/context/profile).",
      );
      assertXdmError(
        await registry("POST", "/tenant/schemas", {
          json: experienceEventSchema("t", [PERSON_DETAILS]),
        }),
        400,
        "1000",
        "Invalid request",
        `The field group ${PERSON_DETAILS} (Demographic Details) cannot be used with the class ${XDM_EXPERIENCE_EVENT}: it extends https://ns.adobe.com/xdm/context/profile.`,
      );
      assertXdmError(
        await registry("POST", "/tenant/schemas", {
          json: { allOf: [{ $ref: XDM_EXPERIENCE_EVENT }] },
        }),
        400,
        "1000",
        "Invalid request",
        "The schema needs a non-empty 'title'.",
      );
    });
  });

  describe("lookup and the Accept header", () => {
    it("finds a schema by meta:altId or URL-encoded $id, with or without a space before version", async () => {
      const created = await api.createSchema("Lookup", [DIRECT_MARKETING]);
      const byAltId = await lookup(
        created["meta:altId"],
        "application/vnd.adobe.xed+json;version=1",
      );
      const byId = await lookup(created.$id);
      assert.equal(byAltId.status, 200, byAltId.text);
      assert.deepEqual(byAltId.body, created);
      assert.deepEqual(byId.body, created);
      assert.equal(byId.body.properties, undefined);
    });

    it("resolves allOf into properties with xed-full, and drops titles with notext", async () => {
      const created = await api.createSchema("Resolved", [CAMPAIGN_MARKETING]);
      const full = await lookup(created.$id, XED_FULL);
      assert.equal(full.status, 200);
      assert.equal(full.body.allOf, undefined);
      assert.equal(full.body.title, "Resolved");
      assert.deepEqual(Object.keys(full.body.properties).sort(), [
        "_id",
        "eventType",
        "identityMap",
        "marketing",
        "producedBy",
        "timestamp",
      ]);
      assert.deepEqual(Object.keys(full.body.properties.marketing.properties).sort(), [
        "campaignGroup",
        "campaignName",
        "trackingCode",
      ]);
      const notext = await lookup(
        created.$id,
        "application/vnd.adobe.xed-full-notext+json; version=1",
      );
      assert.equal(notext.body.title, undefined);
      assert.equal(notext.body.description, undefined);
      assert.equal(notext.body.properties._id.title, undefined);
      assert.equal(notext.body.properties._id.type, "string");
    });

    it("refuses a lookup without Accept, or without its version (XDM-1007-400)", async () => {
      const created = await api.createSchema("Accept");
      assertXdmError(
        await lookup(created.$id, "application/vnd.adobe.xed+json"),
        400,
        "1007",
        "Accept header invalid",
        "The supplied Accept header is not valid: application/vnd.adobe.xed+json - A valid Accept value should look like application/vnd.adobe.'{xed|xdm'}+json; version=1 (Version should be specified)",
      );
      assertXdmError(
        await lookup(created.$id, "application/json"),
        400,
        "1007",
        "Accept header invalid",
        "The supplied Accept header is not valid: application/json - A valid Accept value should look like application/vnd.adobe.'{xed|xdm'}+json; version=1",
      );
    });

    it("answers 404 XDM-1012 for an unknown schema", async () => {
      const id =
        "https://ns.adobe.com/acme/schemas/20af3f1d4b175f27ba59529d1b51a0c79fc25df454117c80";
      assertXdmError(
        await lookup(id),
        404,
        "1012",
        "Resource Not Found",
        `Requested resource ${id} with version 1 is not found`,
      );
    });

    it("keeps schemas in their sandbox", async () => {
      const created = await api.createSchema("Sandboxed");
      const elsewhere = await api
        .in(ORG, "dev")
        .request("GET", `${REGISTRY}/tenant/schemas/${encodeURIComponent(created.$id)}`, {
          headers: { accept: XED },
        });
      assert.equal(elsewhere.status, 404);
    });

    it("serves the standard classes and field groups read-only from the global container", async () => {
      const eventClass = await registry(
        "GET",
        `/global/classes/${encodeURIComponent(XDM_EXPERIENCE_EVENT)}`,
        { accept: XED },
      );
      assert.equal(eventClass.status, 200, eventClass.text);
      assert.equal(eventClass.body.title, "XDM ExperienceEvent");
      assert.equal(eventClass.body["meta:altId"], "_xdm.context.experienceevent");
      assert.equal(eventClass.body["meta:containerId"], "global");
      const groups = await registry(
        "GET",
        `/global/fieldgroups?property=meta:intendedToExtend==${encodeURIComponent(XDM_EXPERIENCE_EVENT)}`,
        { accept: XED_ID },
      );
      assert.equal(groups.status, 200, groups.text);
      assert.deepEqual(
        groups.body.results.map((group: { $id: string }) => group.$id),
        [
          DIRECT_MARKETING,
          CAMPAIGN_MARKETING,
          "https://ns.adobe.com/xdm/context/experienceevent-enduserids",
          "https://ns.adobe.com/xdm/context/experienceevent-environment-details",
        ],
      );
      const write = await registry("POST", "/global/classes", { json: { title: "x" } });
      assert.equal(write.status, 404);
    });
  });

  describe("list", () => {
    it("lists summaries with xed-id, the stored form with xed, filtered and paged by orderby", async () => {
      const hotels = await api.createSchema("Hotels");
      const loyalty = await api.createSchema("Loyalty Members");
      await api.createSchema("Campaigns");
      const summaries = await registry("GET", "/tenant/schemas?orderby=title&limit=2", {
        accept: XED_ID,
      });
      assert.equal(summaries.status, 200, summaries.text);
      assert.deepEqual(
        summaries.body.results.map((item: { title: string }) => item.title),
        ["Campaigns", "Hotels"],
      );
      assert.deepEqual(summaries.body.results[1], {
        $id: hotels.$id,
        "meta:altId": hotels["meta:altId"],
        version: "1.0",
        title: "Hotels",
      });
      assert.deepEqual(summaries.body._page, { orderby: "title", next: "Hotels", count: 2 });
      assert.equal(
        summaries.body._links.global_schemas.href,
        `${emulator.url}${REGISTRY}/global/schemas`,
      );
      assert.equal(
        summaries.body._links.next.href,
        `${emulator.url}${REGISTRY}/tenant/schemas?orderby=title&limit=2&start=Hotels`,
      );
      const rest = await registry("GET", "/tenant/schemas?orderby=title&limit=2&start=Hotels", {
        accept: "application/vnd.adobe.xed+json",
      });
      assert.deepEqual(rest.body.results, [loyalty]);
      assert.equal(rest.body._page.next, null);
      const filtered = await registry("GET", "/tenant/schemas?property=title~^Loy", {
        accept: XED_ID,
      });
      assert.deepEqual(
        filtered.body.results.map((item: { title: string }) => item.title),
        ["Loyalty Members"],
      );
    });

    it("refuses a versioned or missing Accept on a list (XDM-1006-400)", async () => {
      assertXdmError(
        await registry("GET", "/tenant/schemas", {
          accept: "application/vnd.adobe.xed+json;version=1",
        }),
        400,
        "1006",
        "Accept header invalid",
        "The supplied Accept header is not valid: application/vnd.adobe.xed+json;version=1 - A valid Accept value should look like application/vnd.adobe.{xed|xdm}+json",
      );
      const missing = await registry("GET", "/tenant/schemas");
      assert.equal(missing.body.type, "http://ns.adobe.com/aep/errors/XDM-1006-400");
    });
  });

  describe("update", () => {
    it("adds a field group through allOf alone: 200, version 1.1, meta:extends derived", async () => {
      const created = await api.createSchema("Evolving");
      const reply = await registry("PATCH", `/tenant/schemas/${encodeURIComponent(created.$id)}`, {
        json: [{ op: "add", path: "/allOf/-", value: { $ref: CAMPAIGN_MARKETING } }],
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.version, "1.1");
      assert.deepEqual(reply.body["meta:extends"], [
        XDM_EXPERIENCE_EVENT,
        "https://ns.adobe.com/xdm/data/time-series",
        CAMPAIGN_MARKETING,
      ]);
      assert.deepEqual((await lookup(created.$id)).body, reply.body);
    });

    it("accepts the two-array form without duplicating meta:extends", async () => {
      const created = await api.createSchema("Both arrays");
      const reply = await registry("PATCH", `/tenant/schemas/${created["meta:altId"]}`, {
        json: [
          { op: "add", path: "/meta:extends/-", value: DIRECT_MARKETING },
          { op: "add", path: "/allOf/-", value: { $ref: DIRECT_MARKETING } },
        ],
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(
        reply.body["meta:extends"].filter((id: string) => id === DIRECT_MARKETING).length,
        1,
      );
    });

    it("enables Profile with the union tag, without a version bump, and never removes it", async () => {
      const created = await api.createSchema("Profile events");
      const path = `/tenant/schemas/${encodeURIComponent(created.$id)}`;
      const enabled = await registry("PATCH", path, {
        json: [{ op: "add", path: "/meta:immutableTags", value: ["union"] }],
      });
      assert.equal(enabled.status, 200, enabled.text);
      assert.deepEqual(enabled.body["meta:immutableTags"], ["union"]);
      assert.equal(enabled.body.version, "1.0");
      const message =
        "The tag(s) union of meta:immutableTags cannot be removed: a schema enabled for Profile stays enabled.";
      for (const operations of [
        [{ op: "remove", path: "/meta:immutableTags" }],
        [{ op: "replace", path: "/meta:immutableTags", value: [] }],
      ]) {
        assertXdmError(
          await registry("PATCH", path, { json: operations }),
          400,
          "1530",
          "Immutable tag cannot be removed",
          message,
        );
      }
      const union = await registry("GET", "/tenant/schemas?property=meta:immutableTags==union", {
        accept: XED_ID,
      });
      assert.deepEqual(
        union.body.results.map((item: { $id: string }) => item.$id),
        [created.$id],
      );
    });

    it("changes the title and description in place, refusing a taken title", async () => {
      const taken = await api.createSchema("Taken");
      const created = await api.createSchema("Mine");
      const path = `/tenant/schemas/${encodeURIComponent(created.$id)}`;
      const renamed = await registry("PATCH", path, {
        json: [
          { op: "replace", path: "/title", value: "Mine, renamed" },
          { op: "replace", path: "/description", value: "New words" },
        ],
      });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.body.title, "Mine, renamed");
      assert.equal(renamed.body.description, "New words");
      assert.equal(renamed.body.version, "1.0");
      assertXdmError(
        await registry("PATCH", path, {
          json: [{ op: "replace", path: "/title", value: "Taken" }],
        }),
        400,
        "1521",
        "Title not unique",
        `Object titles must be unique. An object ${taken.$id} already exists with the same title`,
      );
      assertXdmError(
        await registry("PATCH", path, {
          json: [{ op: "replace", path: "/version", value: "9.9" }],
        }),
        400,
        "1000",
        "Invalid request",
        'Cannot patch "/version": only title, description, type, allOf, meta:extends, meta:immutableTags can be changed.',
      );
    });

    it("shows an edit made in the UI (editOutOfBand) with a new modification date", async () => {
      const created = await api.createSchema("Before the UI");
      emulator.advanceClock(1000);
      emulator.editOutOfBand("schemas", created["meta:altId"], { title: "Renamed in the UI" });
      const read = (await lookup(created.$id)).body;
      assert.equal(read.title, "Renamed in the UI");
      assert.equal(read.version, "1.0");
      assert.ok(
        read["meta:registryMetadata"]["repo:lastModifiedDate"] >=
          created["meta:registryMetadata"]["repo:lastModifiedDate"] + 1000,
      );
    });

    it("replaces the writable members with PUT", async () => {
      const created = await api.createSchema("Put me");
      const reply = await registry("PUT", `/tenant/schemas/${encodeURIComponent(created.$id)}`, {
        json: experienceEventSchema("Put me", [DIRECT_MARKETING]),
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.$id, created.$id);
      assert.equal(reply.body.version, "1.1");
      assert.deepEqual(
        reply.body.allOf.map((item: { $ref: string }) => item.$ref),
        [XDM_EXPERIENCE_EVENT, DIRECT_MARKETING],
      );
    });

    it("allows only additive changes once a dataset uses the schema", async () => {
      const created = await api.createSchema("Used", [DIRECT_MARKETING]);
      const path = `/tenant/schemas/${encodeURIComponent(created.$id)}`;
      await api.request("POST", `${CATALOG}/dataSets`, {
        json: dataSetBody("uses it", created.$id),
      });
      assertXdmError(
        await registry("PATCH", path, { json: [{ op: "remove", path: "/allOf/1" }] }),
        400,
        "1531",
        "Breaking schema change",
        `The schema ${created.$id} is used by a dataset or enabled for Profile, so only additive changes are allowed; this change removes field group(s) ${DIRECT_MARKETING}.`,
      );
      const added = await registry("PATCH", path, {
        json: [{ op: "add", path: "/allOf/-", value: { $ref: CAMPAIGN_MARKETING } }],
      });
      assert.equal(added.status, 200, added.text);
    });
  });

  describe("delete", () => {
    it("answers 204 with no body, then 404", async () => {
      const created = await api.createSchema("Short-lived");
      const reply = await registry("DELETE", `/tenant/schemas/${encodeURIComponent(created.$id)}`);
      assert.equal(reply.status, 204);
      assert.equal(reply.text, "");
      assert.equal((await lookup(created.$id)).status, 404);
      assert.equal(
        (await registry("DELETE", `/tenant/schemas/${created["meta:altId"]}`)).status,
        404,
      );
    });

    it("refuses while a dataset uses the schema, and once it is enabled for Profile", async () => {
      const used = await api.createSchema("In use");
      const created = await api.request("POST", `${CATALOG}/dataSets`, {
        json: dataSetBody("dataset", used.$id),
      });
      const dataSetId = String(created.body[0]).replace("@/dataSets/", "");
      assertXdmError(
        await registry("DELETE", `/tenant/schemas/${encodeURIComponent(used.$id)}`),
        400,
        "1532",
        "Schema is in use",
        `The schema ${used.$id} is used by dataset(s) ${dataSetId}. Delete those datasets first.`,
      );
      await api.request("DELETE", `${CATALOG}/dataSets/${dataSetId}`);
      assert.equal(
        (await registry("DELETE", `/tenant/schemas/${encodeURIComponent(used.$id)}`)).status,
        204,
      );

      const profile = await api.createSchema("Profile", [], { "meta:immutableTags": ["union"] });
      assertXdmError(
        await registry("DELETE", `/tenant/schemas/${encodeURIComponent(profile.$id)}`),
        400,
        "1530",
        "Schema is enabled for Profile",
        `The schema ${profile.$id} is enabled for Real-Time Customer Profile and cannot be deleted.`,
      );
    });
  });
});
