import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ENVIRONMENTS, type EnvironmentName } from "../providers/lib/environments";
import type { StackConfig } from "./config";
import type { DeclaredObject } from "./declared-objects";
import { describeKey, type PreviousObject } from "./previous-deployment";

/**
 * One owner per remote object (docs/decisions.md "One owner per remote object"): the other stacks
 * of this backend whose stack files sit beside this one and point at the same environment are read
 * (their `pulumi stack export`), and a declared object that holds or would take over a remote object
 * one of them manages stops the plan. Without it, a second stack adopts the first one's list,
 * client or subscription with no word, each `up` overwrites the other's values, and either stack's
 * destroy deletes the object the other still declares.
 */

const NAMESPACE = "altinn-iac";

/** Where a stack's objects live: stacks of different scopes can never share a remote object. */
export interface StackScope {
  environment: string;
  /** The simulator a `local` stack talks to (each has its own objects). */
  simulatorUrl: string;
  org?: string;
}

export function scopeOf(config: Record<string, unknown>): StackScope | undefined {
  const environment = config[`${NAMESPACE}:environment`];
  // An unknown environment is its own stack's error, reported when that stack runs.
  if (typeof environment !== "string" || !Object.hasOwn(ENVIRONMENTS, environment)) {
    return undefined;
  }
  const simulatorUrl = config[`${NAMESPACE}:simulatorUrl`];
  const org = config[`${NAMESPACE}:org`];
  const code = typeof org === "string" ? safeJson(org) : org;
  return {
    environment,
    simulatorUrl:
      ENVIRONMENTS[environment as EnvironmentName].simulator && typeof simulatorUrl === "string"
        ? simulatorUrl
        : "",
    org:
      typeof (code as { code?: unknown } | undefined)?.code === "string"
        ? (code as { code: string }).code
        : undefined,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sameScope(a: StackScope, b: StackScope): boolean {
  return (
    a.environment === b.environment &&
    a.simulatorUrl === b.simulatorUrl &&
    (a.org === undefined || b.org === undefined || a.org === b.org)
  );
}

/** The other stacks whose stack files (Pulumi.<stack>.yaml in the project directory) share the scope. */
export function siblingStacks(projectDir: string, ownStack: string, own: StackScope): string[] {
  return readdirSync(projectDir).flatMap((file) => {
    const stack = /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1];
    if (stack === undefined || stack === ownStack) return [];
    let config: unknown;
    try {
      config = (parse(readFileSync(join(projectDir, file), "utf8")) as { config?: unknown })
        ?.config;
    } catch {
      return []; // a broken neighbour is its own stack's problem, reported when it runs
    }
    if (typeof config !== "object" || config === null) return [];
    const scope = scopeOf(config as Record<string, unknown>);
    return scope && sameScope(own, scope) ? [stack] : [];
  });
}

/** A client without a clientId is found by its name and description (its create adopts by them). */
function clientNameKey(name: unknown, description: unknown): string[] {
  return typeof name === "string" ? [`clientname:${name}\n${String(description ?? "")}`] : [];
}

function ownerKeys(object: PreviousObject): string[] {
  return object.kind === "MaskinportenClient"
    ? [...object.keys, ...clientNameKey(object.inputs.clientName, object.inputs.description)]
    : object.keys;
}

function declaredKeys(config: StackConfig, declared: DeclaredObject): string[] {
  if (declared.kind !== "MaskinportenClient") return declared.keys;
  const spec = config.maskinportenClients.find((c) => c.name === declared.name);
  return spec && spec.clientId === undefined
    ? [...declared.keys, ...clientNameKey(spec.clientName, spec.description)]
    : declared.keys;
}

/** The refusals: every declared object whose remote object another stack of the scope manages. */
export function ownerFindings(
  config: StackConfig,
  declared: DeclaredObject[],
  siblings: { stack: string; objects: PreviousObject[] }[],
): string[] {
  return declared.flatMap((object) => {
    if (!object.remote) return [];
    const keys = declaredKeys(config, object);
    return siblings.flatMap(({ stack, objects }) =>
      objects.flatMap((other) => {
        const shared = ownerKeys(other).find((k) => keys.includes(k));
        if (shared === undefined) return [];
        return [
          `${object.declaredAt}: ${object.name} is ${describeOwnerKey(shared)}, which stack ${stack} manages (as ${other.name}); one remote object has one owner stack (two would overwrite each other's values, and either one's destroy deletes it): remove it from this stack, or move it: run pulumi state delete '${other.urn}' --stack ${stack}, remove it from Pulumi.${stack}.yaml, then up here adopts it`,
        ];
      }),
    );
  });
}

function describeOwnerKey(key: string): string {
  if (!key.startsWith("clientname:")) return describeKey(key);
  const [name, description] = key.slice("clientname:".length).split("\n");
  return `the client named "${name}" with the description "${description}"`;
}
