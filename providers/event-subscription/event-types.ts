/**
 * The event types Correspondence publishes: `no.altinn.correspondence.` and the lower-cased name
 * of its AltinnEventType (altinn-correspondence AltinnEventBus).
 */
export const CORRESPONDENCE_EVENT_TYPES = [
  "no.altinn.correspondence.attachmentinitialized",
  "no.altinn.correspondence.attachmentuploadprocessing",
  "no.altinn.correspondence.attachmentpublished",
  "no.altinn.correspondence.attachmentuploadfailed",
  "no.altinn.correspondence.attachmentpurged",
  "no.altinn.correspondence.attachmentdownloaded",
  "no.altinn.correspondence.attachmentexpired",
  "no.altinn.correspondence.correspondenceinitialized",
  "no.altinn.correspondence.correspondencepublished",
  "no.altinn.correspondence.correspondencearchived",
  "no.altinn.correspondence.correspondencepurged",
  "no.altinn.correspondence.correspondencepublishfailed",
  "no.altinn.correspondence.correspondencereceiverread",
  "no.altinn.correspondence.correspondencereceiverconfirmed",
  "no.altinn.correspondence.correspondencereceiverreplied",
  "no.altinn.correspondence.correspondencereceiverneverconfirmed",
  "no.altinn.correspondence.correspondencereceiverreserved",
  "no.altinn.correspondence.correspondencereceiverneverread",
  "no.altinn.correspondence.notificationcreated",
  "no.altinn.correspondence.correspondencenotificationcreationfailed",
  "no.altinn.correspondence.correspondencenotificationfailed",
  "no.altinn.correspondence.correspondencenotificationallfailed",
  "no.altinn.correspondence.correspondencenotificationdelivered",
  "no.altinn.correspondence.correspondencenotificationreminderdelivered",
] as const;

export type CorrespondenceEventType = (typeof CORRESPONDENCE_EVENT_TYPES)[number];

export const CORRESPONDENCE_TYPE_PREFIX = "no.altinn.correspondence.";
