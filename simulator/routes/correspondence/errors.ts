import { statusType, traceId } from "../../http/problems";
import { json } from "../../http/replies";
import type { SimResponse } from "../../http/router";

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

/** ProblemDetailsHelper.ToProblemResult: the RFC 9110 type and title, CORR-code and errorCode. */
export function correspondenceProblem(
  [errorCode, status, detail]: readonly [number, number, string],
  detailOverride?: string,
): SimResponse {
  return json(status, {
    ...statusType(status),
    status,
    detail: detailOverride ?? detail,
    code: `CORR-${String(errorCode).padStart(5, "0")}`,
    traceId: traceId(),
    errorCode,
  });
}
