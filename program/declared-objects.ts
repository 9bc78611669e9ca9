import type { ProviderKind } from "../providers/object-kinds";
import { locateEntry, type StackConfig } from "./config";

/**
 * What the program registers for a stack config, computed before anything is registered, so the
 * plan guards (program/plan-guards.ts) can compare it with the previous deployment.
 * program/service-owner-setup.ts takes its names from here.
 */

/** The type chain of every object's URN: a child of ServiceOwnerSetup, a dynamic resource. */
export const SETUP_TYPE = "altinn-iac:index:ServiceOwnerSetup";
export const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic/altinn:";

export const objectName = {
  preflight: (org: string) => `${org}-preflight`,
  policy: (resource: string) => `${resource}-policy`,
  accessListMode: (resource: string) => `${resource}-access-list-mode`,
  clientKey: (client: string) => `${client}-key`,
  verification: (resource: string) => `${resource}-verification`,
};

export interface DeclaredObject {
  kind: ProviderKind;
  name: string;
  /** Earlier names (Pulumi aliases) from the entry's `aliases`. */
  aliases: string[];
  /**
   * The remote object it holds or takes over, as far as the stack file says: `client:<client_id>`,
   * `subscription:<filters>` (Events answers an identical POST with the existing subscription).
   */
  keys: string[];
  /** Where the user declared it (the key path of its entry). */
  declaredAt: string;
  /** The entry's name to put an alias on, for a derived name (`<client>-key`: the client). */
  aliasOf: (oldName: string) => string | undefined;
  /** Inputs whose change replaces the object, as far as the stack file knows them. */
  replaceOn: Record<string, unknown>;
  members?: string[];
  /** Whether it is a remote object (preflight and verification only read and send). */
  remote: boolean;
}

export function subscriptionKey(filters: {
  resourceFilter?: unknown;
  endPoint?: unknown;
  subjectFilter?: unknown;
  typeFilter?: unknown;
}): string {
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  return `subscription:${[filters.resourceFilter, filters.endPoint, filters.subjectFilter, filters.typeFilter].map(text).join(" ")}`;
}

export function declaredObjects(config: StackConfig): DeclaredObject[] {
  const org = config.org.code;
  const objects: DeclaredObject[] = [];
  const add = (
    object: Omit<DeclaredObject, "aliases" | "keys" | "aliasOf" | "replaceOn" | "remote"> &
      Partial<DeclaredObject>,
  ) =>
    objects.push({
      aliases: [],
      keys: [],
      aliasOf: () => undefined,
      replaceOn: {},
      remote: true,
      ...object,
    });
  if (config.preflight) {
    add({
      kind: "ServiceOwnerPreflight",
      name: objectName.preflight(org),
      declaredAt: "altinn-iac:preflight",
      remote: false,
    });
  }
  config.resources.forEach((spec, i) => {
    const declaredAt = locateEntry(config, ["resources", i]);
    add({
      kind: "AltinnResource",
      name: spec.identifier,
      keys: [`resource:${spec.identifier}`],
      declaredAt,
      replaceOn: {
        resourceType: spec.resourceType,
        organization: config.org.number,
      },
    });
    if (spec.policy) {
      add({
        kind: "ResourcePolicy",
        name: objectName.policy(spec.identifier),
        keys: [`policy:${spec.identifier}`],
        declaredAt: `${declaredAt}.policy`,
      });
    }
    if (spec.accessListMode === "Enabled") {
      add({
        kind: "ResourceAccessListMode",
        name: objectName.accessListMode(spec.identifier),
        keys: [`mode:${spec.identifier}`],
        declaredAt: `${declaredAt}.accessListMode`,
      });
    }
  });
  config.accessLists.forEach((spec, i) =>
    add({
      kind: "AccessList",
      name: spec.identifier,
      keys: [`list:${org}/${spec.identifier}`],
      declaredAt: locateEntry(config, ["accessLists", i]),
      members: spec.members,
    }),
  );
  config.maskinportenClients.forEach((spec, i) => {
    const declaredAt = locateEntry(config, ["maskinportenClients", i]);
    const aliases = spec.aliases ?? [];
    add({
      kind: "MaskinportenClient",
      name: spec.name,
      aliases,
      keys: spec.clientId === undefined ? [] : [`client:${spec.clientId}`],
      declaredAt,
      aliasOf: (old) => old,
      replaceOn: { clientId: spec.clientId },
    });
    add({
      kind: "MaskinportenClientKey",
      name: objectName.clientKey(spec.name),
      aliases: aliases.map(objectName.clientKey),
      keys: spec.clientId === undefined ? [] : [`jwks:${spec.clientId}`],
      declaredAt: `${declaredAt}.key`,
      aliasOf: keyAliasOf,
      replaceOn: { clientId: spec.clientId },
    });
  });
  config.maskinportenClientKeys.forEach((spec, i) =>
    add({
      kind: "MaskinportenClientKey",
      name: objectName.clientKey(spec.name),
      aliases: (spec.aliases ?? []).map(objectName.clientKey),
      keys: [`jwks:${spec.clientId}`],
      declaredAt: locateEntry(config, ["maskinportenClientKeys", i]),
      aliasOf: keyAliasOf,
      replaceOn: { clientId: spec.clientId },
    }),
  );
  config.subscriptions.forEach((spec, i) => {
    const filters = {
      resourceFilter: `urn:altinn:resource:${spec.resource}`,
      endPoint: spec.endPoint,
      subjectFilter: spec.subjectFilter,
      typeFilter: spec.typeFilter,
    };
    add({
      kind: "EventSubscription",
      name: spec.name,
      aliases: spec.aliases ?? [],
      keys: [subscriptionKey(filters)],
      declaredAt: locateEntry(config, ["subscriptions", i]),
      aliasOf: (old) => old,
      replaceOn: filters,
    });
  });
  const verification = config.verification;
  if (
    verification?.runOnUp &&
    config.resources.some((r) => r.identifier === verification.resource) &&
    (config.maskinportenClients.some((c) => c.name === verification.client) ||
      config.maskinportenClientKeys.some((c) => c.name === verification.client))
  ) {
    add({
      kind: "CorrespondenceVerification",
      name: objectName.verification(verification.resource),
      declaredAt: "altinn-iac:verification",
      remote: false,
    });
  }
  return objects;
}

function keyAliasOf(oldName: string): string | undefined {
  return oldName.endsWith("-key") ? oldName.slice(0, -"-key".length) : undefined;
}
