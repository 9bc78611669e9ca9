import { randomUUID } from "node:crypto";
import type { JWTPayload } from "jose";
import { decide, type DecisionRequest } from "../../policies/evaluate";
import { readPolicy } from "../../policies/parse";
import { newEvent, publish } from "../event-bus";
import { empty, json, readJson, traceId, type SimRequest, type SimResponse } from "../router";
import type { RouteModule, SimContext } from "../server";
import { currentResource, type SimCorrespondence } from "../state";
import { bearer, consumerOrgnr, scopesOf, verifyJwt } from "../tokens";

/**
 * Altinn Correspondence's send and status endpoints (docs/altinn-apis.md section 7), as
 * altinn-correspondence's CorrespondenceController and InitializeCorrespondencesHandler answer:
 *
 * - Tokens (Auth/DependencyInjection.cs): an Altinn token with `altinn:correspondence.write`, or a
 *   raw Maskinporten token with both `altinn:serviceowner` and `altinn:correspondence.write`.
 *   Anything else is 401 (no valid token) or 403 (scope policy), with empty bodies.
 * - Checks in the server's order (InitializeCorrespondencesHandler.Process): the idempotency key
 *   (1033, 1047, 409 1034); then the resource exists with an owner (1036); the sender may write
 *   (AltinnAuthorizationService.EvaluateBypassConditions: a token with `altinn:serviceowner` whose
 *   `consumer` is the resource owner bypasses the PDP; otherwise the PDP decides `write` over the
 *   stored policy, 4001 when it does not permit); the resource type (4009); unique recipients
 *   (1006); recipients known to Register (1029).
 * - Errors are ProblemDetails as ProblemDetailsHelper builds them (`code` CORR-nnnnn, `errorCode`).
 * - A sent correspondence is published at once (the real service waits about a minute for the
 *   malware scan) and its `correspondenceinitialized` and `correspondencepublished` events go
 *   through the event bus to validated subscriptions.
 */

const BASE = "/correspondence/api/v1/correspondence";
const WRITE_SCOPE = "altinn:correspondence.write";
const SERVICE_OWNER_SCOPE = "altinn:serviceowner";
const ORGANIZATION_PREFIX = "urn:altinn:organization:identifier-no:";
const PERSON_PREFIX = "urn:altinn:person:identifier-no:";
const RECIPIENT_PATTERN =
  /^(urn:altinn:organization:identifier-no:\d{9}|urn:altinn:person:identifier-no:\d{11}|urn:altinn:person:idporten-email:.+|urn:altinn:person:legacy-selfidentified:.+|\d{9}|\d{4}:\d{9}|\d{11})$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Correspondence's Error records (Application/Errors.cs) that the simulator answers with. */
export const CORRESPONDENCE_ERRORS = {
  correspondenceNotFound: [1001, 404, "The requested correspondence was not found"],
  duplicateRecipients: [1006, 400, "Recipients must be unique"],
  invalidIdempotencyKey: [1033, 400, "The idempotency key must be a valid non-empty GUID"],
  duplicateInitCorrespondenceRequest: [
    1034,
    409,
    "A correspondence with the same idempotent key already exists",
  ],
  invalidResource: [
    1036,
    400,
    "ResourceId must match an existing resource in the resource registry",
  ],
  idempotencyKeyNotAllowedWithMultipleRecipients: [
    1047,
    400,
    "Idempotency key is not supported for requests with multiple recipients",
  ],
  noAccessToResource: [
    4001,
    401,
    "You must use an Altinn token, DialogToken or log in to IDPorten as someone with access to the resource and organization in Altinn Authorization",
  ],
  incorrectResourceType: [
    4009,
    400,
    "Resource type is not supported. Resource must be of type GenericAccessResource or CorrespondenceService.",
  ],
} as const satisfies Record<string, readonly [number, number, string]>;

const STATUS_TYPES: Record<number, [string, string]> = {
  400: ["https://tools.ietf.org/html/rfc9110#section-15.5.1", "Bad Request"],
  401: ["https://tools.ietf.org/html/rfc9110#section-15.5.2", "Unauthorized"],
  404: ["https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not Found"],
  409: ["https://tools.ietf.org/html/rfc9110#section-15.5.10", "Conflict"],
};

/** ProblemDetailsHelper.ToProblemResult: the RFC 9110 type and title, CORR-code and errorCode. */
export function correspondenceProblem(
  [errorCode, status, detail]: readonly [number, number, string],
  detailOverride?: string,
): SimResponse {
  const [type, title] = STATUS_TYPES[status]!;
  return json(status, {
    type,
    title,
    status,
    detail: detailOverride ?? detail,
    code: `CORR-${String(errorCode).padStart(5, "0")}`,
    traceId: traceId(),
    errorCode,
  });
}

interface Caller {
  claims: JWTPayload;
  scheme: "Altinn" | "Maskinporten";
}

/** The caller's token under either scheme, or the response the authentication layer gives. */
async function authenticate(ctx: SimContext, req: SimRequest): Promise<Caller | SimResponse> {
  const token = bearer(req.headers);
  if (!token) return empty(401, { "www-authenticate": "Bearer" });
  const now = ctx.nowSeconds();
  const altinn = await verifyJwt(token, ctx.keys.altinn, ctx.altinnIssuer(req.origin), now);
  if (altinn) {
    return scopesOf(altinn).includes(WRITE_SCOPE)
      ? { claims: altinn, scheme: "Altinn" }
      : empty(403);
  }
  const mp = await verifyJwt(token, ctx.keys.maskinporten, ctx.maskinportenIssuer(req.origin), now);
  if (mp) {
    const scopes = scopesOf(mp);
    return scopes.includes(WRITE_SCOPE) && scopes.includes(SERVICE_OWNER_SCOPE)
      ? { claims: mp, scheme: "Maskinporten" }
      : empty(403);
  }
  return empty(401, { "www-authenticate": 'Bearer error="invalid_token"' });
}

/**
 * The subject of the PDP request as Altinn.Common.PEP's DecisionHelper builds it from the token's
 * claims: the org number claim becomes `urn:altinn:organizationnumber` and
 * `urn:altinn:organization:identifier-no`, scope becomes `urn:scope`, other `urn:` claims are kept.
 */
export function subjectOf(claims: JWTPayload): DecisionRequest["subject"] {
  const subject: Record<string, string | string[]> = {};
  for (const [type, value] of Object.entries(claims)) {
    if (value === undefined || value === null || typeof value === "object") continue;
    const text = String(value);
    if (type === "urn:altinn:orgNumber") {
      subject["urn:altinn:organizationnumber"] = text;
      subject["urn:altinn:organization:identifier-no"] = text;
    } else if (type === "scope") {
      subject["urn:scope"] = text;
    } else if (type.startsWith("urn:")) {
      subject[type] = text;
    }
  }
  return subject;
}

/**
 * AltinnAuthorizationService.CheckUserAccess for `write`: the service-owner bypass, else the PDP
 * over the resource's stored policy. A policy that cannot be read decides nothing (deny).
 */
export function senderMayWrite(
  ctx: SimContext,
  caller: Caller,
  resourceId: string,
  ownerOrgnr: string,
): boolean {
  const consumer = consumerOrgnr(caller.claims);
  if (scopesOf(caller.claims).includes(SERVICE_OWNER_SCOPE) && consumer === ownerOrgnr) {
    return true;
  }
  const xml = Object.entries(ctx.state.policies).find(
    ([id]) => id.toLowerCase() === resourceId.toLowerCase(),
  )?.[1];
  if (xml === undefined) return false;
  const { policy } = readPolicy(xml, { resourceId });
  if (!policy) return false;
  return (
    decide(policy, { subject: subjectOf(caller.claims), action: "write" }, resourceId) === "Permit"
  );
}

function ownerOf(doc: Record<string, unknown> | undefined): string | undefined {
  const authority = doc?.hasCompetentAuthority as { organization?: unknown } | undefined;
  return typeof authority?.organization === "string" && authority.organization !== ""
    ? authority.organization
    : undefined;
}

/** The Register lookup of a recipient: org and person numbers must be known parties. */
function recipientKnown(ctx: SimContext, recipient: string): boolean {
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
function recipientUrn(recipient: string): string {
  if (/^\d{9}$/.test(recipient)) return `${ORGANIZATION_PREFIX}${recipient}`;
  if (/^\d{4}:\d{9}$/.test(recipient)) return `${ORGANIZATION_PREFIX}${recipient.slice(5)}`;
  if (/^\d{11}$/.test(recipient)) return `${PERSON_PREFIX}${recipient}`;
  return recipient;
}

interface InitializeBody {
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
function modelErrors(body: InitializeBody): Record<string, string[]> {
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

async function initialize(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const caller = await authenticate(ctx, req);
  if ("status" in caller) return caller;
  let body: InitializeBody;
  try {
    body = readJson(req) as InitializeBody;
  } catch {
    return json(400, {
      title: "One or more validation errors occurred.",
      status: 400,
      errors: { "": ["The request body is not valid JSON."] },
    });
  }
  const errors = modelErrors(body ?? {});
  if (Object.keys(errors).length > 0) {
    return json(400, {
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
      title: "One or more validation errors occurred.",
      status: 400,
      errors,
      traceId: traceId(),
    });
  }
  const c = body.correspondence!;
  const resourceId = String(c.resourceId).replace(/^urn:altinn:resource:/, "");
  const recipients = body.recipients as string[];

  // InitializeCorrespondencesHandler.Process checks the idempotency key before it validates
  // (resource, sender authorization, recipients).
  const idempotentKey = body.idempotentKey;
  if (idempotentKey !== undefined && idempotentKey !== null) {
    if (
      typeof idempotentKey !== "string" ||
      !GUID.test(idempotentKey) ||
      /^0{8}-/.test(idempotentKey)
    ) {
      return correspondenceProblem(CORRESPONDENCE_ERRORS.invalidIdempotencyKey);
    }
    if (recipients.length > 1) {
      return correspondenceProblem(
        CORRESPONDENCE_ERRORS.idempotencyKeyNotAllowedWithMultipleRecipients,
      );
    }
    const used = Object.values(ctx.state.correspondences).some(
      (existing) => existing.idempotentKey?.toLowerCase() === idempotentKey.toLowerCase(),
    );
    if (used)
      return correspondenceProblem(CORRESPONDENCE_ERRORS.duplicateInitCorrespondenceRequest);
  }

  const doc = currentResource(ctx.state, resourceId);
  const owner = ownerOf(doc);
  if (!doc || !owner) return correspondenceProblem(CORRESPONDENCE_ERRORS.invalidResource);
  if (!senderMayWrite(ctx, caller, resourceId, owner)) {
    return correspondenceProblem(CORRESPONDENCE_ERRORS.noAccessToResource);
  }
  if (
    doc.resourceType !== "CorrespondenceService" &&
    doc.resourceType !== "GenericAccessResource"
  ) {
    return correspondenceProblem(CORRESPONDENCE_ERRORS.incorrectResourceType);
  }
  if (new Set(recipients).size !== recipients.length) {
    return correspondenceProblem(CORRESPONDENCE_ERRORS.duplicateRecipients);
  }
  const unknown = recipients.filter((r) => !recipientKnown(ctx, r));
  if (unknown.length > 0) {
    return correspondenceProblem(
      [1029, 404, ""],
      `Could not find partyId for the following recipients: ${unknown.join(", ")}`,
    );
  }
  const now = new Date(ctx.nowMs()).toISOString();
  const created: SimCorrespondence[] = recipients.map((recipient) => ({
    correspondenceId: randomUUID(),
    resourceId,
    sender: owner,
    recipient,
    sendersReference: String(c.sendersReference),
    messageTitle: String(c.content!.messageTitle),
    ...(typeof idempotentKey === "string" ? { idempotentKey } : {}),
    created: now,
    published: now,
    statusHistory: [
      { status: "Initialized", statusChanged: now },
      { status: "Published", statusChanged: now },
    ],
  }));
  for (const correspondence of created) {
    ctx.state.correspondences[correspondence.correspondenceId] = correspondence;
  }
  ctx.changed();
  // Published before answering, so a caller that reads events right after its send finds them.
  for (const correspondence of created) {
    for (const type of ["correspondenceinitialized", "correspondencepublished"]) {
      await publish(
        ctx,
        newEvent(
          {
            source: `${req.origin}${BASE}`,
            type: `no.altinn.correspondence.${type}`,
            resource: `urn:altinn:resource:${resourceId}`,
            resourceinstance: correspondence.correspondenceId,
            subject: recipientUrn(correspondence.recipient),
            alternativesubject: `/organisation/${recipientUrn(correspondence.recipient).split(":").pop()}`,
          },
          ctx.nowMs(),
        ),
      );
    }
  }
  return json(200, {
    correspondences: created.map((correspondence) => ({
      correspondenceId: correspondence.correspondenceId,
      status: "Initialized",
      recipient: correspondence.recipient,
      notifications: [],
    })),
    attachmentIds: [],
  });
}

async function overview(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const caller = await authenticate(ctx, req);
  if ("status" in caller) return caller;
  const correspondence = ctx.state.correspondences[req.params.id!.toLowerCase()];
  if (!correspondence) return correspondenceProblem(CORRESPONDENCE_ERRORS.correspondenceNotFound);
  if (!senderMayWrite(ctx, caller, correspondence.resourceId, correspondence.sender)) {
    return correspondenceProblem(CORRESPONDENCE_ERRORS.noAccessToResource);
  }
  const latest = correspondence.statusHistory[correspondence.statusHistory.length - 1]!;
  return json(200, {
    correspondenceId: correspondence.correspondenceId,
    resourceId: correspondence.resourceId,
    sender: `urn:altinn:organization:identifier-no:${correspondence.sender}`,
    sendersReference: correspondence.sendersReference,
    recipient: correspondence.recipient,
    status: latest.status,
    statusText: latest.status,
    statusChanged: latest.statusChanged,
    created: correspondence.created,
    published: correspondence.published ?? null,
    content: { messageTitle: correspondence.messageTitle },
  });
}

export const correspondenceRoutes: RouteModule = (router, ctx) => {
  router.on("POST", BASE, (req) => {
    // State files saved before Correspondence existed in the simulator lack these fields.
    ctx.state.correspondences ??= {};
    ctx.state.parties ??= {};
    return initialize(ctx, req);
  });
  router.on("GET", `${BASE}/{id}`, (req) => {
    ctx.state.correspondences ??= {};
    return overview(ctx, req);
  });
};
