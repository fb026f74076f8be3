/**
 * Well-known `$id`s of the Schema Registry's standard (global) resources a source pipeline builds
 * its schema from. The classes are confirmed by Adobe's API samples
 * (https://experienceleague.adobe.com/en/docs/experience-platform/xdm/api/schemas); the field
 * groups come from Adobe's XDM repository, which Platform serves in its `global` container.
 */

/** Standard XDM classes. */
export const xdmClassIds = {
  /** XDM ExperienceEvent: time-series events (`_id` and `timestamp` required). */
  experienceEvent: "https://ns.adobe.com/xdm/context/experienceevent",
  /** XDM Individual Profile: one record per person. */
  profile: "https://ns.adobe.com/xdm/context/profile",
} as const;

/** Standard field groups for email-activity events and for people. */
export const xdmFieldGroupIds = {
  /** "Direct Marketing Details" (ExperienceEvent): `directMarketing` sends, opens, clicks. */
  directMarketing: "https://ns.adobe.com/xdm/context/experienceevent-directmarketing",
  /** "Campaign Marketing Details" (ExperienceEvent): `marketing.trackingCode`, `campaignName`... */
  campaignMarketing: "https://ns.adobe.com/xdm/context/experienceevent-marketing",
  /** "End User ID Details" (ExperienceEvent): `endUserIDs._experience.emailid.id`... */
  endUserIds: "https://ns.adobe.com/xdm/context/experienceevent-enduserids",
  /** "Environment Details" (ExperienceEvent): `environment`. */
  environmentDetails: "https://ns.adobe.com/xdm/context/experienceevent-environment-details",
  /** "IdentityMap" (Individual Profile): `identityMap`. */
  identityMap: "https://ns.adobe.com/xdm/context/identitymap",
  /** "Demographic Details" (Individual Profile): `person.name`... */
  demographicDetails: "https://ns.adobe.com/xdm/context/profile-person-details",
  /** "Personal Contact Details" (Individual Profile): `personalEmail`, `homeAddress`... */
  personalContactDetails: "https://ns.adobe.com/xdm/context/profile-personal-details",
} as const;

/** The tag of `meta:immutableTags` that enables a schema for Real-Time Customer Profile. */
export const PROFILE_UNION_TAG = "union";
