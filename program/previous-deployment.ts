import { execFileSync } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import type { ProviderKind } from "../providers/object-kinds";
import { DYNAMIC_TYPE_PREFIX, subscriptionKey } from "./declared-objects";

/**
 * A stack's previous deployment as the plan guards see it (program/plan-guards.ts,
 * program/owner-guard.ts): our objects and the remote objects they hold, read with
 * `pulumi stack export` (docs/decisions.md "The program reads its previous deployment").
 */

/** An object of the previous deployment, with what identifies its remote object. */
export interface PreviousObject {
  urn: string;
  kind: ProviderKind;
  name: string;
  /** The URN's type chain (the object is ours only as a child of ServiceOwnerSetup). */
  typeChain: string;
  protect: boolean;
  keys: string[];
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  protect?: boolean;
  delete?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** Our objects in a `pulumi stack export` document (`{ deployment: { resources } }`). */
export function previousObjects(exported: unknown): PreviousObject[] {
  const resources =
    (exported as { deployment?: { resources?: StateResource[] } } | undefined)?.deployment
      ?.resources ?? [];
  return resources.flatMap((r) => {
    if (!r.custom || r.delete || !r.type.startsWith(DYNAMIC_TYPE_PREFIX)) return [];
    const kind = r.type.slice(DYNAMIC_TYPE_PREFIX.length) as ProviderKind;
    const [, , typeChain = "", ...rest] = r.urn.split("::");
    const inputs = r.inputs ?? {};
    const outputs = r.outputs ?? {};
    return [
      {
        urn: r.urn,
        kind,
        name: rest.join("::"),
        typeChain,
        protect: r.protect === true,
        keys: remoteKeys(kind, r.id ?? "", inputs, outputs),
        inputs,
        outputs,
      },
    ];
  });
}

function remoteKeys(
  kind: ProviderKind,
  id: string,
  inputs: Record<string, unknown>,
  outputs: Record<string, unknown>,
): string[] {
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const key = (prefix: string, value: string | undefined) =>
    value === undefined ? [] : [`${prefix}:${value}`];
  switch (kind) {
    case "AltinnResource":
      return key("resource", text(outputs.identifier) ?? text(id));
    case "ResourcePolicy":
      return key("policy", text(inputs.resourceId) ?? text(id));
    case "ResourceAccessListMode":
      return key("mode", text(inputs.resourceIdentifier) ?? text(id));
    case "AccessList":
      return key("list", text(id));
    case "MaskinportenClient": {
      const clientId = text(outputs.clientId) ?? text(id);
      return clientId?.startsWith("unconfirmed:") ? [] : key("client", clientId);
    }
    case "MaskinportenClientKey":
      return key("jwks", text(inputs.clientId) ?? text(id));
    case "EventSubscription":
      return [subscriptionKey(inputs)];
    default:
      return [];
  }
}

/**
 * The previous deployment of the running stack, or undefined with the reason when it cannot be
 * read. The engine gives the program no state; the CLI that runs it can export it, with the same
 * backend (PULUMI_BACKEND_URL, the login, Pulumi.yaml) and credentials from the environment.
 */
export function readPreviousDeployment(
  stack: string = pulumi.getStack(),
): { objects: PreviousObject[] } | { problem: string } {
  const org = pulumi.getOrganization();
  const names = [
    ...(org ? [`${org}/${pulumi.getProject()}/${stack}`] : []),
    // File backends before organization support take the short name only.
    stack,
  ];
  let problem = "";
  for (const name of names) {
    try {
      const text = execFileSync("pulumi", ["stack", "export", "--stack", name], {
        encoding: "utf8",
        maxBuffer: 512 * 1024 * 1024,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
      });
      return { objects: previousObjects(JSON.parse(text)) };
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr;
      problem = (stderr || (error as Error).message).trim().split("\n")[0] ?? "";
    }
  }
  return { problem };
}

export function describeKey(key: string | undefined): string {
  if (!key) return "no remote object";
  const at = key.indexOf(":");
  const [kind, value] = [key.slice(0, at), key.slice(at + 1)];
  const words: Record<string, string> = {
    resource: "the resource",
    policy: "the policy of",
    mode: "the access-list mode of",
    list: "the access list",
    client: "client_id",
    jwks: "the keys of client_id",
    subscription: "the Events subscription",
  };
  return `${words[kind] ?? kind} ${value}`;
}
