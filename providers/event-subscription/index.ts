/**
 * EventSubscription: an Altinn Events subscription of the service owner to the events of one of
 * its resources (Correspondence's `no.altinn.correspondence.*`). docs/altinn-apis.md
 * section 5; providers/api/events.ts.
 *
 * | step    | HTTP                                                                          |
 * |---------|-------------------------------------------------------------------------------|
 * | create  | POST /events/api/v1/subscriptions; then GET /subscriptions/{id} until validated |
 * |         | (bounded by validationWaitSeconds)                                            |
 * | read    | GET /subscriptions/{id}; 404 -> gone                                          |
 * | update  | none remote: only validationWaitSeconds, which is this tool's own setting     |
 * | delete  | DELETE /subscriptions/{id}; 404 -> done                                       |
 *
 * id: the number Events gives the subscription. Events has no update, so a change of endPoint,
 * resourceFilter, subjectFilter or typeFilter replaces it, and the replacement has a new id. The
 * engine creates the new one before deleting the old one (no gap in deliveries) unless the
 * resource sets `deleteBeforeReplace`. A create with the filters of an existing subscription of
 * the same org returns that one (Events' POST is idempotent), so a re-run after a failed step
 * takes over what the first run made instead of making a twin.
 *
 * Only what Events accepts for a resource that is not an app is sent: never sourceFilter or
 * alternativeSubjectFilter (400 for such resources). A subscription delivers nothing until its
 * endpoint answers the `platform.events.validatesubscription` event with 2xx; `validated` says
 * whether it has, and `pulumi refresh` updates it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ObjectKind } from "../lib/object-kind";
import { runtimeProvider } from "../lib/shell";
import { eventSubscriptionImplementation, eventSubscriptionLifecycle } from "./provider";
import type { EventSubscriptionArgs } from "./schema";

export { toSubscriptionRequest } from "./mapping";
export { eventSubscriptionImplementation } from "./provider";
export type { EventSubscriptionArgs, EventSubscriptionInputs } from "./schema";

/**
 * An Altinn Events subscription, managed declaratively.
 *
 * ```ts
 * new EventSubscription("melding-read", {
 *   endPoint: "https://example.org/altinn/events",
 *   resourceFilter: resource.resourceUrn,
 *   typeFilter: "no.altinn.correspondence.correspondencereceiverread",
 * }, { dependsOn: [policy] });
 * ```
 */
export class EventSubscription extends pulumi.dynamic.Resource {
  declare readonly subscriptionId: pulumi.Output<number>;
  declare readonly validated: pulumi.Output<boolean>;
  declare readonly consumer: pulumi.Output<string>;
  declare readonly created: pulumi.Output<string>;
  declare readonly endPoint: pulumi.Output<string>;
  declare readonly resourceFilter: pulumi.Output<string>;

  constructor(name: string, args: EventSubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      eventSubscriptionProvider,
      name,
      {
        ...args,
        subscriptionId: undefined,
        validated: undefined,
        consumer: undefined,
        created: undefined,
      },
      opts,
      "altinn",
      "EventSubscription",
    );
  }
}

const eventSubscriptionProvider = runtimeProvider("EventSubscription");

export const eventSubscriptionKind = {
  kind: "EventSubscription",
  implementation: eventSubscriptionImplementation,
  lifecycle: eventSubscriptionLifecycle,
} as const satisfies ObjectKind;
