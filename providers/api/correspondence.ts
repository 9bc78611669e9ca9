import { z } from "zod";
import { send, type HttpRequest, type RetryPolicy } from "../lib/http";
import { parseBody } from "./response";

/**
 * Altinn Correspondence (docs/altinn-apis.md section 7), as the verification uses it with its own
 * client's tokens: send a test message, send it again to prove the other token scheme, read its
 * status. Correspondence takes an Altinn token or a raw Maskinporten token, so each call is given
 * the token it is to prove.
 */

/** What sending needs: `altinn:serviceowner` lets the owner's token skip the PDP for write. */
export const CORRESPONDENCE_SCOPES = ["altinn:serviceowner", "altinn:correspondence.write"];

const SERVICE = "Correspondence";

/** The request of InitializeCorrespondences, as far as a test message fills it. */
export interface CorrespondenceRequest {
  correspondence: {
    resourceId: string;
    sendersReference: string;
    content: { language: string; messageTitle: string; messageBody: string };
  };
  recipients: string[];
  idempotentKey: string;
}

/** InitializeCorrespondencesResponseExt: the id of each correspondence made. */
const initializedSchema = z.looseObject({
  correspondences: z.array(z.looseObject({ correspondenceId: z.string().optional() })).optional(),
});

/** A refusal's body: Correspondence's ProblemDetails carry a numeric errorCode (1034 for a used key). */
const refusalSchema = z.preprocess(
  (body) => (body && typeof body === "object" ? body : {}),
  z.looseObject({ errorCode: z.unknown() }),
);

const overviewSchema = z.looseObject({ status: z.string() });

export interface CorrespondenceApi {
  /** Sends the message; the id Correspondence gave it, undefined when its answer names none. */
  send(request: CorrespondenceRequest, token: string): Promise<string | undefined>;
  /** Sends the message again: the status and errorCode of the answer (409 and 1034 for a repeat). */
  resend(
    request: CorrespondenceRequest,
    token: string,
  ): Promise<{ status: number; errorCode: unknown }>;
  /** The correspondence's status, such as "Published". */
  status(correspondenceId: string, token: string): Promise<string>;
}

/** The Correspondence calls with the platform's base URL and the retries bound. */
export function correspondenceApi(platform: string, retry: RetryPolicy): CorrespondenceApi {
  const base = `${platform}/correspondence/api/v1/correspondence`;
  /** `send` with the service, the base URL, the token and the retries bound. */
  const call = (token: string, { path = "", ...rest }: CorrespondenceCall) =>
    send({ ...rest, service: SERVICE, url: `${base}${path}`, token: async () => token, retry });
  return {
    async send(request, token) {
      const operation = `send a test message for ${request.correspondence.resourceId} to ${request.recipients.join(", ")}`;
      const sent = await call(token, { operation, method: "POST", body: request, fixFor: sendFix });
      const answer = parseBody(initializedSchema, sent, { service: SERVICE, operation });
      return answer.correspondences?.[0]?.correspondenceId;
    },

    async resend(request, token) {
      const operation = "resend the test message with the Maskinporten token";
      const again = await call(token, {
        operation,
        method: "POST",
        body: request,
        accept: [409],
        fixFor: sendFix,
      });
      const { errorCode } = parseBody(refusalSchema, again, { service: SERVICE, operation });
      return { status: again.status, errorCode };
    },

    async status(correspondenceId, token) {
      const operation = `read the status of correspondence ${correspondenceId}`;
      const overview = await call(token, {
        operation,
        method: "GET",
        path: `/${correspondenceId}`,
      });
      return parseBody(overviewSchema, overview, { service: SERVICE, operation }).status;
    },
  };
}

/** A call under the correspondence path: `path` follows `/correspondence/api/v1/correspondence`. */
type CorrespondenceCall = Pick<
  HttpRequest,
  "operation" | "method" | "body" | "accept" | "fixFor"
> & {
  path?: string;
};

function sendFix(status: number, _detail: string, code?: string): string | undefined {
  if (code === "CORR-04001" || status === 401) {
    return "Correspondence's authorization refused the sender: the token needs altinn:serviceowner and the client's organisation must own the resource, or the resource's policy must permit write for the sender";
  }
  if (code === "CORR-01029")
    return "the recipient is not in Altinn's register: use a synthetic test organisation from Tenor";
  if (code === "CORR-01036") return "the resource does not exist (yet): run pulumi up first";
  if (status === 403)
    return "the token lacks a scope: altinn:correspondence.write (and altinn:serviceowner for a raw Maskinporten token)";
  return undefined;
}
