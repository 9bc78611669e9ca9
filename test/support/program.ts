import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { loadStackConfig } from "../../program/config";
import { ServiceOwnerSetup } from "../../program/service-owner-setup";
import { PROJECT_ROOT } from "./pulumi-cli";

/** How stackFileConfig shows a `secure:` value (its text is known only to the engine). */
const SECRET_VALUE = "[secret]";

/** A stack file's config as the engine hands it to the program: every value a string. */
export function stackFileConfig(stack: string): Record<string, string> {
  const file = parse(readFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(file.config).map(([key, value]) => {
      if (value && typeof value === "object" && "secure" in value) return [key, SECRET_VALUE];
      return [key, typeof value === "string" ? value : JSON.stringify(value)];
    }),
  );
}

export interface Registered {
  type: string;
  name: string;
  parent?: string;
  protect?: boolean;
  retainOnDelete?: boolean;
  dependsOn: string[];
  inputs: Record<string, unknown>;
}

/**
 * Runs the program's ServiceOwnerSetup under Pulumi's mocks and records every resource it
 * registers with its options, through a transformation (mocks alone do not see options).
 */
export async function registeredResources(
  config: Record<string, string>,
  /** Where `altinn-iac:include` paths are read from (the program's is the project directory). */
  projectDir?: string,
): Promise<Registered[]> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: () => ({}),
    },
    "altinn-iac",
    "mock",
    true,
  );
  const registered: Registered[] = [];
  const nameOf = (r: unknown) => (r as { __name?: string }).__name ?? "?";
  const setup = new ServiceOwnerSetup(
    "mock-org",
    { config: loadStackConfig(config, projectDir, (key) => config[key] === SECRET_VALUE) },
    {
      transformations: [
        (args) => {
          const { __provider: _provider, ...inputs } = args.props as Record<string, unknown>;
          const dependsOn = ([] as unknown[]).concat(args.opts.dependsOn ?? []);
          registered.push({
            type: args.type,
            name: args.name,
            parent: args.opts.parent ? nameOf(args.opts.parent) : undefined,
            protect: args.opts.protect,
            retainOnDelete: (args.opts as pulumi.CustomResourceOptions).retainOnDelete,
            dependsOn: dependsOn.map(nameOf),
            inputs: plain(inputs),
          });
          return undefined;
        },
      ],
    },
  );
  // Registration (and the provider's serialization) finishes asynchronously: wait for every
  // resource's URN so nothing is still running when the test ends.
  const children = [
    ...((setup as unknown as { __childResources?: Set<pulumi.Resource> }).__childResources ?? []),
  ];
  await Promise.all(
    [setup, ...children].map((r) => new Promise((resolve) => r.urn.apply(resolve))),
  );
  return registered;
}

/** Inputs as JSON-like values; an Output (a value known only after another resource) is "<output>". */
function plain(value: unknown): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (pulumi.Output.isInstance(v)) return "<output>";
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => x !== undefined)
          .map(([k, x]) => [k, walk(x)]),
      );
    }
    return v;
  };
  return walk(value) as Record<string, unknown>;
}
