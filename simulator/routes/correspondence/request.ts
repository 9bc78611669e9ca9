import type { SimContext } from "../../context";

/**
 * The send request (InitializeCorrespondencesExt) as model binding checks it, and its recipients
 * as Correspondence looks them up in Register and names them in events.
 */
const ORGANIZATION_PREFIX = "urn:altinn:organization:identifier-no:";
const PERSON_PREFIX = "urn:altinn:person:identifier-no:";
const RECIPIENT_PATTERN =
  /^(urn:altinn:organization:identifier-no:\d{9}|urn:altinn:person:identifier-no:\d{11}|urn:altinn:person:idporten-email:.+|urn:altinn:person:legacy-selfidentified:.+|\d{9}|\d{4}:\d{9}|\d{11})$/;

export interface InitializeBody {
  correspondence?: {
    resourceId?: unknown;
    sendersReference?: unknown;
    content?: { language?: unknown; messageTitle?: unknown; messageBody?: unknown };
    requestedPublishTime?: unknown;
  };
  recipients?: unknown;
  idempotentKey?: unknown;
}

/** Model binding (InitializeCorrespondencesExt's attributes): the ASP.NET validation problem. */
export function modelErrors(body: InitializeBody): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);
  const c = body.correspondence;
  if (!c || typeof c !== "object") {
    add("Correspondence", "The Correspondence field is required.");
    return errors;
  }
  const resourceId = c.resourceId;
  if (typeof resourceId !== "string" || resourceId === "") {
    add("Correspondence.ResourceId", "The ResourceId field is required.");
  } else if (
    resourceId.length > 255 ||
    resourceId.replace(/^urn:altinn:resource:/, "").includes(":")
  ) {
    add(
      "Correspondence.ResourceId",
      "Resource id is not valid: use the resource identifier, optionally prefixed with urn:altinn:resource:",
    );
  }
  if (typeof c.sendersReference !== "string" || c.sendersReference === "") {
    add("Correspondence.SendersReference", "The SendersReference field is required.");
  }
  if (!c.content || typeof c.content !== "object") {
    add("Correspondence.Content", "The Content field is required.");
  } else {
    if (typeof c.content.messageTitle !== "string" || c.content.messageTitle === "") {
      add("Correspondence.Content.MessageTitle", "The MessageTitle field is required.");
    }
    if (typeof c.content.messageBody !== "string" || c.content.messageBody === "") {
      add("Correspondence.Content.MessageBody", "The MessageBody field is required.");
    }
    if (typeof c.content.language !== "string" || !/^[a-z]{2}$/.test(c.content.language)) {
      add(
        "Correspondence.Content.Language",
        "The Language field is required and has two letters (nb, nn or en).",
      );
    }
  }
  const recipients = body.recipients;
  if (!Array.isArray(recipients) || recipients.length === 0 || recipients.length > 500) {
    add("Recipients", "Recipients must contain between 1 and 500 entries.");
  } else {
    for (const recipient of recipients) {
      if (typeof recipient !== "string" || !RECIPIENT_PATTERN.test(recipient)) {
        add(
          "Recipients",
          `Recipient ${String(recipient)} is not a valid organization number or national identity number urn.`,
        );
      }
    }
  }
  return errors;
}

/** The Register lookup of a recipient: org and person numbers must be known parties. */
export function recipientKnown(ctx: SimContext, recipient: string): boolean {
  const number = recipient.startsWith(ORGANIZATION_PREFIX)
    ? recipient.slice(ORGANIZATION_PREFIX.length)
    : recipient.startsWith(PERSON_PREFIX)
      ? recipient.slice(PERSON_PREFIX.length)
      : /^\d{4}:\d{9}$/.test(recipient)
        ? recipient.slice(5)
        : /^\d{9}$|^\d{11}$/.test(recipient)
          ? recipient
          : undefined;
  if (number === undefined) return true;
  return (
    ctx.state.parties[number] !== undefined ||
    Object.values(ctx.state.orgs).some((org) => org.orgnr === number)
  );
}

/** The recipient as a party URN, the event subject Correspondence publishes. */
export function recipientUrn(recipient: string): string {
  if (/^\d{9}$/.test(recipient)) return `${ORGANIZATION_PREFIX}${recipient}`;
  if (/^\d{4}:\d{9}$/.test(recipient)) return `${ORGANIZATION_PREFIX}${recipient.slice(5)}`;
  if (/^\d{11}$/.test(recipient)) return `${PERSON_PREFIX}${recipient}`;
  return recipient;
}
