/**
 * The standard XDM resources of the Schema Registry's `global` container that a sources pipeline
 * builds its schema from: the XDM ExperienceEvent and XDM Individual Profile classes and the
 * standard field groups meant for them. Ids, titles, behaviours and the mixins each class pulls
 * into `meta:extends` are Adobe's (https://experienceleague.adobe.com/en/docs/experience-platform/xdm/classes/experienceevent,
 * https://experienceleague.adobe.com/en/docs/experience-platform/xdm/api/schemas); the field
 * trees are trimmed to their top-level members and a few well-known leaves, enough for the
 * `xed-full` representation and for mapping destinations to resolve.
 */
import { xdmClassIds as XDM_CLASSES, xdmFieldGroupIds as GROUPS } from "../resources/xdmIds";
import type { JsonObject } from "./store";

const TIME_SERIES = "https://ns.adobe.com/xdm/data/time-series";
const RECORD = "https://ns.adobe.com/xdm/data/record";
const IDENTITY_MAP = GROUPS.identityMap;

/** A standard class or field group, as the emulator seeds it. */
export interface StandardResource {
  $id: string;
  resourceType: "classes" | "mixins";
  title: string;
  description: string;
  /** Classes: the behaviour and the mixins the class itself pulls in, in `meta:extends` order. */
  extends: string[];
  /** Field groups: the classes they may be added to (`meta:intendedToExtend`). */
  intendedToExtend?: string[];
  /** The fields it contributes, as `properties` of the resolved (`xed-full`) schema. */
  properties: JsonObject;
}

const text = (title: string): JsonObject => ({ title, type: "string", "meta:xdmType": "string" });
const dateTime = (title: string): JsonObject => ({
  title,
  type: "string",
  format: "date-time",
  "meta:xdmType": "date-time",
});
const object = (title: string, properties: JsonObject = {}): JsonObject => ({
  title,
  type: "object",
  "meta:xdmType": "object",
  properties,
});
const identityMap = (): JsonObject => ({
  title: "Identity Map",
  type: "object",
  "meta:xdmType": "map",
  additionalProperties: { type: "array", items: object("Identity") },
});

const EXPERIENCE_EVENT_ONLY = [XDM_CLASSES.experienceEvent];
const PROFILE_ONLY = [XDM_CLASSES.profile];

export const STANDARD_RESOURCES: readonly StandardResource[] = [
  {
    $id: XDM_CLASSES.experienceEvent,
    resourceType: "classes",
    title: "XDM ExperienceEvent",
    description: "A time-series record of an event: what happened, when, and to whom.",
    extends: [TIME_SERIES],
    properties: {
      _id: text("Identifier"),
      timestamp: dateTime("Timestamp"),
      eventType: text("Event Type"),
      producedBy: text("Produced By"),
      // The class carries identityMap itself (class page), so an ExperienceEvent schema meets the
      // Profile union's identity requirement without the IdentityMap field group.
      identityMap: identityMap(),
    },
  },
  {
    $id: XDM_CLASSES.profile,
    resourceType: "classes",
    title: "XDM Individual Profile",
    description: "The attributes and interests of one person.",
    extends: [
      RECORD,
      IDENTITY_MAP,
      "https://ns.adobe.com/xdm/common/extensible",
      "https://ns.adobe.com/xdm/common/auditable",
    ],
    properties: {
      _id: text("Identifier"),
      identityMap: identityMap(),
      _repo: object("Repository"),
      createdByBatchID: text("Created by batch ID"),
      modifiedByBatchID: text("Modified by batch ID"),
      repositoryCreatedBy: text("Created by user ID"),
      repositoryLastModifiedBy: text("Modified by user ID"),
    },
  },
  fieldGroup(GROUPS.directMarketing, "Direct Marketing Details", EXPERIENCE_EVENT_ONLY, {
    directMarketing: object("Direct Marketing"),
  }),
  fieldGroup(GROUPS.campaignMarketing, "Campaign Marketing Details", EXPERIENCE_EVENT_ONLY, {
    marketing: object("Marketing", {
      trackingCode: text("Tracking Code"),
      campaignName: text("Campaign Name"),
      campaignGroup: text("Campaign Group"),
    }),
  }),
  fieldGroup(GROUPS.endUserIds, "End User ID Details", EXPERIENCE_EVENT_ONLY, {
    endUserIDs: object("End User IDs", {
      _experience: object("Experience", {
        emailid: object("Email ID", { id: text("Identifier") }),
      }),
    }),
  }),
  fieldGroup(GROUPS.environmentDetails, "Environment Details", EXPERIENCE_EVENT_ONLY, {
    environment: object("Environment"),
  }),
  fieldGroup(IDENTITY_MAP, "IdentityMap", PROFILE_ONLY, { identityMap: identityMap() }),
  fieldGroup(GROUPS.demographicDetails, "Demographic Details", PROFILE_ONLY, {
    person: object("Person", {
      name: object("Full name", { firstName: text("First name"), lastName: text("Last name") }),
    }),
  }),
  fieldGroup(GROUPS.personalContactDetails, "Personal Contact Details", PROFILE_ONLY, {
    homeAddress: object("Home Address"),
    personalEmail: object("Personal Email", { address: text("Address") }),
    homePhone: object("Home Phone"),
    mobilePhone: object("Mobile Phone"),
    faxPhone: object("Fax Phone"),
  }),
];

function fieldGroup(
  $id: string,
  title: string,
  intendedToExtend: string[],
  properties: JsonObject,
): StandardResource {
  return {
    $id,
    resourceType: "mixins",
    title,
    description: `The standard ${title} field group.`,
    extends: [],
    intendedToExtend,
    properties,
  };
}

/** A standard resource by `$id` or `meta:altId`. */
export function standardResource(id: string): StandardResource | undefined {
  return STANDARD_RESOURCES.find(
    (resource) => resource.$id === id || altIdOfStandard(resource.$id) === id,
  );
}

/** `https://ns.adobe.com/xdm/context/profile` -> `_xdm.context.profile`. */
export function altIdOfStandard($id: string): string {
  return `_${$id.replace(/^https:\/\/ns\.adobe\.com\//, "").replaceAll("/", ".")}`;
}

/** A standard resource as a registry lookup returns it in the stored (`xed`) form. */
export function standardView(resource: StandardResource): JsonObject {
  const isClass = resource.resourceType === "classes";
  return {
    $id: resource.$id,
    "meta:altId": altIdOfStandard(resource.$id),
    "meta:resourceType": resource.resourceType,
    version: "1.0",
    title: resource.title,
    type: "object",
    description: resource.description,
    ...(isClass ? {} : { "meta:intendedToExtend": resource.intendedToExtend }),
    "meta:extensible": true,
    "meta:abstract": !isClass,
    "meta:extends": [...resource.extends],
    "meta:xdmType": "object",
    "meta:containerId": "global",
    properties: structuredClone(resource.properties),
  };
}
