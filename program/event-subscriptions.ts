import * as pulumi from "@pulumi/pulumi";
import { policySchema, type Policy } from "../policies/model";
import { readPolicy } from "../policies/parse";
import { ownerSubscribeFailure } from "../policies/subscribe-preflight";
import { correspondencePolicy } from "../policies/templates";
import { EventSubscription } from "../providers/event-subscription";
import type { PolicySpec, StackConfig } from "./config";
import { subscriptionKey } from "./declared-objects";

/**
 * The EventSubscription of every `subscriptions` entry. A subscription to a resource of this stack
 * takes the resource's URN output and depends on the resource and its policy (Events asks the
 * policy whether the owner may subscribe, so the policy must be uploaded first); a subscription to
 * a resource managed elsewhere names it by URN.
 */
export function eventSubscriptions(
  config: StackConfig,
  /** The AltinnResource of each entry in `config.resources`, by identifier. */
  resources: ReadonlyMap<string, pulumi.Resource & { resourceUrn: pulumi.Output<string> }>,
  /** The ResourcePolicy of each resource entry that declares a policy, by identifier. */
  policies: ReadonlyMap<string, pulumi.Resource>,
  /** The options of the subscription named `name` with these aliases (protection, aliases). */
  optionsOf: (name: string, aliases?: string[]) => pulumi.CustomResourceOptions = () => ({}),
): Array<{ name: string; subscription: EventSubscription }> {
  const failures = subscriptionPreflight(config);
  if (failures.length > 0) {
    // A RunError ends the program with its message alone (no stack trace): this is the user's fix.
    throw new pulumi.RunError(
      `altinn-iac:subscriptions cannot work with the declared policies:\n${failures.map((f) => `  ${f}`).join("\n")}`,
    );
  }
  return config.subscriptions.map((spec) => {
    const resource = resources.get(spec.resource);
    const policy = policies.get(spec.resource);
    const subscription = new EventSubscription(
      spec.name,
      {
        endPoint: spec.endPoint,
        // The URN is known at preview (the resource output is not, for a new resource), so check
        // can tell whether an identical subscription exists; dependsOn keeps the order.
        resourceFilter: `urn:altinn:resource:${spec.resource}`,
        ...(spec.subjectFilter !== undefined ? { subjectFilter: spec.subjectFilter } : {}),
        ...(spec.typeFilter !== undefined ? { typeFilter: spec.typeFilter } : {}),
        ...(spec.validationWaitSeconds !== undefined
          ? { validationWaitSeconds: spec.validationWaitSeconds }
          : {}),
        // Managed elsewhere: preview looks it up, as it cannot know a typo otherwise.
        ...(resource === undefined ? { lookUpResource: true } : {}),
      },
      {
        ...optionsOf(spec.name, spec.aliases),
        dependsOn: [resource, policy].filter((r): r is NonNullable<typeof r> => r !== undefined),
        ...(spec.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
      },
    );
    return { name: spec.name, subscription };
  });
}

/**
 * For each subscription to a resource whose policy this stack declares: the reason Events would
 * refuse it, naming the rule to add. Policies that do not parse are left to the ResourcePolicy
 * provider, which reports them on their own property.
 */
export function subscriptionPreflight(config: StackConfig): string[] {
  const owner = config.org.code;
  return config.subscriptions.flatMap((spec) => {
    const declared = config.resources.find((r) => r.identifier === spec.resource)?.policy;
    const policy = declared && declaredPolicy(declared, spec.resource, owner);
    const failure = policy && ownerSubscribeFailure(policy, { resourceId: spec.resource, owner });
    return failure ? [`subscription ${spec.name}: ${failure}`] : [];
  });
}

/** The policy a resource entry declares, as the ResourcePolicy will upload it. */
export function declaredPolicy(
  spec: PolicySpec,
  resourceId: string,
  owner: string,
): Policy | undefined {
  switch (spec.form) {
    case "template": {
      const { form: _form, template: _template, ...options } = spec;
      return correspondencePolicy(owner, options);
    }
    case "rules": {
      const { form: _form, ...rules } = spec;
      const parsed = policySchema.safeParse(rules);
      return parsed.success ? parsed.data : undefined;
    }
    case "xml":
      return readPolicy(spec.xml, { resourceId }).policy;
  }
}

const ORGANIZATION_URN = "urn:altinn:organization:identifier-no:";

/**
 * Warnings for owner subscriptions to a resource with `accessListMode: Enabled`. Altinn's PDP then
 * passes `subscribe` only for a party on a connected list whose actionFilters are empty or contain
 * `subscribe` (altinn-authorization-tmp DecisionController.IsAccessListAuthorized,
 * AccessListAuthorization). Events asks it at creation, with the subject filter as the party (none:
 * refused), and for every event, with the event's subject as the party.
 */
export function subscriptionAccessListWarnings(
  config: StackConfig,
  /** The remote objects of the previous deployment (program/plan-guards.ts), when it was read. */
  deployed?: ReadonlySet<string>,
): string[] {
  const warnings: string[] = [];
  for (const spec of config.subscriptions) {
    const resource = config.resources.find((r) => r.identifier === spec.resource);
    if (resource?.accessListMode !== "Enabled") continue;
    const lets = config.accessLists
      .map((list) => ({
        list,
        connection: list.resources.find((r) => r.identifier === spec.resource),
      }))
      .filter(
        ({ connection }) =>
          connection !== undefined &&
          (!connection.actionFilters?.length || connection.actionFilters.includes("subscribe")),
      )
      .map(({ list }) => list);
    const filters = config.accessLists
      .flatMap((list) => {
        const connection = list.resources.find((r) => r.identifier === spec.resource);
        return connection
          ? [
              `${list.identifier} [${(connection.actionFilters ?? []).join(", ") || "every action"}]`,
            ]
          : [];
      })
      .join(", ");
    if (lets.length === 0) {
      warnings.push(
        `subscription ${spec.name}: resource ${spec.resource} has accessListMode Enabled and none of its access lists (${filters || "none"}) lets a party subscribe, so Altinn Events delivers none of its events (the PDP asks "subscribe" with each event's subject as the party): add "subscribe" to the actionFilters of the list holding the recipients whose events you want, or leave actionFilters empty`,
      );
      continue;
    }
    if (spec.subjectFilter === undefined) {
      const onLists = lets.map((l) => l.identifier).join(" or ");
      const key = subscriptionKey({
        resourceFilter: `urn:altinn:resource:${spec.resource}`,
        endPoint: spec.endPoint,
        typeFilter: spec.typeFilter,
      });
      if (deployed === undefined) {
        warnings.push(
          `subscription ${spec.name}: resource ${spec.resource} has accessListMode Enabled, and Events refuses a subscription without subjectFilter while it is (the PDP has no party to look up in the lists: 403). This stack creates the subscription before it switches the mode on; a later change of its endpoint or filters (a new subscription) is refused until the mode is Disabled, or give a subjectFilter naming an organisation on ${onLists}`,
        );
      } else if (!deployed.has(key) && deployed.has(`mode:${spec.resource}`)) {
        // A first deploy makes the subscription before the mode switch, and one that exists stays:
        // only a new subscription beside a mode that is already on is refused.
        warnings.push(
          `subscription ${spec.name}: this up makes a new subscription while the accessListMode of ${spec.resource} is already Enabled, and Events refuses one without subjectFilter then (the PDP has no party to look up in the lists: 403): set accessListMode: Disabled for this up and Enabled again in the next, or give a subjectFilter naming an organisation on ${onLists}`,
        );
      }
      continue;
    }
    const orgnr = spec.subjectFilter.startsWith(ORGANIZATION_URN)
      ? spec.subjectFilter.slice(ORGANIZATION_URN.length)
      : undefined;
    const member =
      orgnr !== undefined &&
      lets.some((list) =>
        list.members.some((m) => m === orgnr || m === `${ORGANIZATION_URN}${orgnr}`),
      );
    if (!member) {
      warnings.push(
        `subscription ${spec.name}: resource ${spec.resource} has accessListMode Enabled and subjectFilter ${spec.subjectFilter} is not an organisation on ${lets.map((l) => l.identifier).join(" or ")} (the lists that let a party subscribe), so the PDP refuses the subscription and its events: add the organisation to such a list`,
      );
    }
  }
  return warnings;
}
