import type * as pulumi from "@pulumi/pulumi";

/** The dynamic resource types altinn-iac registers (`pulumi-nodejs:dynamic/altinn:<kind>`). */
export type ProviderKind =
  | "AltinnResource"
  | "ResourcePolicy"
  | "AccessList"
  | "ResourceAccessListMode"
  | "MaskinportenClient"
  | "MaskinportenClientKey"
  | "EventSubscription"
  | "ServiceOwnerPreflight"
  | "CorrespondenceVerification";

/**
 * The provider object Pulumi serializes into state for every dynamic resource.
 *
 * Pulumi copies a dynamic provider's code, and everything it reaches in the project's own files,
 * into each resource's state by value (../shared/docs/pulumi-notes.md section 2). With real HTTP,
 * auth and XACML code that is tens of kilobytes per resource, and `read`/`delete` would keep running
 * the copy from the day the resource was last updated (pulumi/pulumi#6490). So the serialized part
 * is only this shell: each method loads the implementation from the project on disk
 * (`providers/runtime.ts`, compiled on the fly by ts-node, as Pulumi runs index.ts) and delegates.
 * Consequences, chosen on purpose: state stays small, and a fix in `read` or `delete` takes effect
 * at once; the provider process must run in the project directory (Pulumi starts it there).
 *
 * Nothing here may capture a value from outside the function: only `kind` (a string literal).
 */
export function runtimeProvider(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
  function runtime(): {
    configure(read: (key: string) => string | undefined): void;
    provider(kind: string): pulumi.dynamic.ResourceProvider;
  } {
    const path = require("path");
    const root = process.env.ALTINN_IAC_ROOT || process.cwd();
    const entry = path.join(root, "providers", "runtime.ts");
    if (!require("fs").existsSync(entry)) {
      throw new Error(
        `altinn-iac: provider runtime not found at ${entry}; run pulumi from the altinn-iac project directory (or set ALTINN_IAC_ROOT)`,
      );
    }
    if (!require.extensions[".ts"]) {
      require(require.resolve("ts-node", { paths: [root] })).register({
        transpileOnly: true,
        project: path.join(root, "tsconfig.json"),
      });
    }
    return require(entry);
  }
  return {
    configure: async (req) => runtime().configure((key) => req.config.get(key)),
    check: (olds, news) => runtime().provider(kind).check!(olds, news),
    diff: (id, olds, news) => runtime().provider(kind).diff!(id, olds, news),
    create: (inputs) => runtime().provider(kind).create(inputs),
    read: (id, props) => runtime().provider(kind).read!(id, props),
    update: (id, olds, news) => runtime().provider(kind).update!(id, olds, news),
    delete: (id, props) => runtime().provider(kind).delete!(id, props),
  };
}
