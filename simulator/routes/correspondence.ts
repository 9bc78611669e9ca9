import { randomUUID } from "node:crypto";
import type { RouteModule, SimContext } from "../context";
import { newEvent, publish } from "../event-bus";
import { traceId } from "../http/problems";
import { json } from "../http/replies";
import { readJson } from "../http/requests";
import type { SimRequest, SimResponse } from "../http/router";
import { currentResource } from "../state";
import type { SimCorrespondence } from "../state-types";
import { authenticate, senderMayWrite } from "./correspondence/access";
import { CORRESPONDENCE_ERRORS, correspondenceProblem } from "./correspondence/errors";
import {
  modelErrors,
  recipientKnown,
  recipientUrn,
  type InitializeBody,
} from "./correspondence/request";

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
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function ownerOf(doc: Record<string, unknown> | undefined): string | undefined {
  const authority = doc?.hasCompetentAuthority as { organization?: unknown } | undefined;
  return typeof authority?.organization === "string" && authority.organization !== ""
    ? authority.organization
    : undefined;
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
