import * as events from "../api/events";
import * as registry from "../api/resource-registry";
import { checkWithSchema, containsUnknown, userInputs } from "../lib/check";
import { oncePerContext, type ProviderContext } from "../lib/context";
import { isNew, lifecycle, previewedAdopting, readResult, withAdoption } from "../lib/lifecycle";
import type { ProviderImplementation } from "../lib/provider";
import { appOnlyFailures, describeEndPoint, validateSubscription } from "./rules";
import { asStored, fromSubscriptionDto, outputsOf, toSubscriptionRequest } from "./mapping";
import {
  APP_ONLY_FILTERS,
  EVENT_SUBSCRIPTION_REPLACE_ON,
  eventSubscriptionInputsSchema,
  LOOK_UP_RESOURCE,
  RESOURCE_URN_PREFIX,
  type EventSubscriptionInputs,
} from "./schema";
import { awaitValidation } from "./validation-watch";

/**
 * Why Events would refuse a subscription to a resource the registry does not hold (its PDP
 * answers 403, which reads as a policy problem), or undefined when it exists or the registry
 * cannot be asked now (then `up` tells).
 */
async function missingResource(
  ctx: ProviderContext,
  resourceFilter: string,
): Promise<string | undefined> {
  const id = resourceFilter.slice(RESOURCE_URN_PREFIX.length);
  const found = await registry.getResource(ctx, id).then(
    (resource) => resource !== undefined,
    () => true,
  );
  return found
    ? undefined
    : `the Resource Registry (${ctx.settings.endpoints.platform}) has no resource "${id}", and the stack declares none by that name, so Events would refuse the subscription (403): check the identifier, or declare the resource under altinn-iac:resources`;
}

export const eventSubscriptionLifecycle = lifecycle<EventSubscriptionInputs>({
  schema: eventSubscriptionInputsSchema,
  replaceOn: EVENT_SUBSCRIPTION_REPLACE_ON,
  // Declared as Events will store it, so a refresh (which reads the stored form) is no change.
  normalize: asStored,
});

const { managedInputs } = eventSubscriptionLifecycle;

/**
 * The org's subscriptions as check first saw them in this run: new subscriptions of one run are
 * compared against one list. A subscription this run creates cannot be identical to another one it
 * declares (the same endpoint and filters twice is one subscription to Events).
 */
const subscriptionsBefore = oncePerContext(events.listSubscriptions);

export const eventSubscriptionImplementation: ProviderImplementation = {
  async check(ctx, olds, news) {
    const raw = userInputs(news);
    const rest = Object.fromEntries(
      Object.entries(news).filter(
        ([key]) =>
          !(APP_ONLY_FILTERS as readonly string[]).includes(key) && key !== LOOK_UP_RESOURCE,
      ),
    );
    const result = checkWithSchema(eventSubscriptionInputsSchema, rest);
    const failures = [
      ...appOnlyFailures(raw),
      ...result.failures,
      ...validateSubscription(raw, ctx.settings.environment),
    ];
    if (failures.length > 0) return { inputs: news, failures };
    if (result.inputs === news) return { inputs: result.inputs, failures };
    const created = isNew(olds);
    const filter = result.inputs.resourceFilter;
    if (
      created &&
      raw[LOOK_UP_RESOURCE] === true &&
      typeof filter === "string" &&
      !containsUnknown(filter)
    ) {
      const missing = await missingResource(ctx, filter);
      if (missing)
        return { inputs: news, failures: [{ property: "resourceFilter", reason: missing }] };
    }
    const checked = { inputs: { ...result.inputs, ...managedInputs(result.inputs) }, failures };
    if (!created) return checked;
    // A new subscription: Events answers an identical request with the existing one, so say now
    // that up takes it over (by endpoint and filters) rather than making a new one.
    const live = events.identicalSubscription(
      await subscriptionsBefore(ctx),
      toSubscriptionRequest(managedInputs(result.inputs)),
    );
    if (!live) return checked;
    const state = live.validated ? "" : ", not validated yet";
    return withAdoption(checked, {
      adopting: `existing subscription ${live.id}${state}, already as declared: no write`,
    });
  },

  async diff(_ctx, _id, olds, news) {
    return eventSubscriptionLifecycle.diff(olds, news);
  },

  async create(ctx, props) {
    const inputs = managedInputs(props);
    const request = toSubscriptionRequest(inputs);
    // Check found an identical subscription: take it over without a POST (a write, even if
    // Events would answer it with the same subscription).
    const existing = previewedAdopting(props)
      ? events.identicalSubscription(await events.listSubscriptions(ctx), request)
      : undefined;
    const created = existing ?? (await events.createSubscription(ctx, request));
    const live = await awaitValidation(ctx, created, inputs.validationWaitSeconds * 1000);
    if (!live.validated) {
      ctx.warn(
        `subscription ${live.id} to ${inputs.resourceFilter} is not validated yet: Events delivers nothing until ${describeEndPoint(inputs.endPoint)} answers its platform.events.validatesubscription event with 2xx (Events retries for a while); \`pulumi refresh\` shows when it is`,
      );
    }
    return { id: String(live.id), outs: outputsOf(inputs, live) };
  },

  async read(ctx, id, props) {
    const live = await events.readSubscription(ctx, id);
    if (!live) return {};
    const inputs = fromSubscriptionDto(live, managedInputs(props));
    return readResult(id, inputs, outputsOf(inputs, live));
  },

  async update(ctx, id, _olds, news) {
    // diff replaces on every remote property, so only this tool's own setting changes here.
    const live = await events.getSubscription(ctx, id);
    if (!live) {
      throw new Error(
        `subscription ${id} no longer exists in Altinn Events: run \`pulumi refresh\`, then \`pulumi up\` creates it again`,
      );
    }
    return { outs: outputsOf(managedInputs(news), live) };
  },

  async delete(ctx, id) {
    await events.deleteSubscription(ctx, id);
  },
};
