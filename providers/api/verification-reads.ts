import { z } from "zod";
import { send, type RetryPolicy } from "../lib/http";
import { parseBody } from "./response";

/**
 * What the verification reads besides Correspondence, with its own client's token: the policy
 * the Resource Registry publishes (anonymous), and from Altinn Events the subscriptions filed
 * under the client's org and the events listed for a resource (docs/altinn-apis.md sections 3.1
 * and 5). The Events reads take a token with the subscriptions API's scopes (EVENTS_SCOPES).
 */

const EVENTS = "Altinn Events";

/** The fields of a Subscription the verification judges by. */
const subscriptionListSchema = z.looseObject({
  subscriptions: z
    .array(
      z.looseObject({
        id: z.number(),
        endPoint: z.string(),
        resourceFilter: z.string().nullish(),
        validated: z.boolean(),
      }),
    )
    .default([]),
});

export type ListedSubscription = z.output<typeof subscriptionListSchema>["subscriptions"][number];

/** A page of CloudEvents; an answer that is not a list is an empty page. */
const eventPageSchema = z.preprocess(
  (body) => (Array.isArray(body) ? body : []),
  z.array(
    z.looseObject({ id: z.string(), type: z.string(), resourceinstance: z.string().optional() }),
  ),
);

export type ListedEvent = z.output<typeof eventPageSchema>[number];

export interface EventQuery {
  resourceUrn: string;
  /** The id of the last event seen; "0" for the first page. */
  after: string;
  /** The party the events are about. */
  subject: string;
  types: readonly string[];
}

export interface VerificationReads {
  /** The resource's published policy XML; undefined when it has none (404). */
  policy(resourceId: string): Promise<string | undefined>;
  /** The subscriptions Events files under the token's org. */
  subscriptions(token: string): Promise<ListedSubscription[]>;
  /** One page of the events of `resourceUrn` listed after the cursor `after` (oldest first). */
  events(query: EventQuery, token: string): Promise<ListedEvent[]>;
}

/** The reads with the platform's base URL and the retries bound. */
export function verificationReads(platform: string, retry: RetryPolicy): VerificationReads {
  /** A GET under `/events/api/v1` with the token and the retries bound. */
  const call = (
    token: string,
    request: { operation: string; path: string; headers?: Record<string, string> },
  ) =>
    send({
      ...request,
      service: EVENTS,
      method: "GET",
      url: `${platform}/events/api/v1${request.path}`,
      token: async () => token,
      retry,
    });
  return {
    async policy(resourceId) {
      const response = await send({
        service: "Resource Registry",
        operation: `read the policy of ${resourceId}`,
        method: "GET",
        url: `${platform}/resourceregistry/api/v1/resource/${encodeURIComponent(resourceId)}/policy`,
        headers: { Accept: "text/xml" },
        accept: [404],
        retry,
      });
      return response.status === 404 ? undefined : response.text;
    },

    async subscriptions(token) {
      const operation = "list the subscriptions";
      const listed = await call(token, { operation, path: "/subscriptions" });
      return parseBody(subscriptionListSchema, listed, { service: EVENTS, operation })
        .subscriptions;
    },

    async events({ resourceUrn, after, subject, types }, token) {
      const operation = `list the events of ${resourceUrn}`;
      const query = new URLSearchParams([
        ["resource", resourceUrn],
        ["after", after],
        ["subject", subject],
        ...types.map((type): [string, string] => ["type", type]),
        ["size", "1000"],
      ]);
      const listed = await call(token, {
        operation,
        path: `/events?${query.toString()}`,
        headers: { Accept: "application/cloudevents+json, application/json" },
      });
      return parseBody(eventPageSchema, listed, { service: EVENTS, operation });
    },
  };
}
