import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider object Pulumi serializes into state for every dynamic resource.
 *
 * Pulumi copies a dynamic provider's code, and everything it reaches in the project's own files,
 * into each resource's state by value (docs/pulumi-notes.md section 2), twice (inputs and
 * outputs). With real HTTP, auth and XACML code that is tens of kilobytes per resource, and
 * `read`/`delete` would keep running the copy from the day the resource was last updated
 * (pulumi/pulumi#6490). So the serialized part is only this shell: each method loads the
 * implementation from the project on disk (`providers/load-runtime.js`, which registers ts-node as
 * Pulumi does for index.ts and loads `providers/runtime.ts`) and delegates. Consequences, chosen on
 * purpose: state stays small, and a fix in `read` or `delete` takes effect at once; the provider
 * process must run in the project directory (Pulumi starts it there).
 *
 * Nothing here may capture a value from outside the function but `kind` (a string literal), and
 * every character is stored twice per resource: the loading lives in load-runtime.js, and one
 * `call` serves all methods.
 */
export function runtimeProvider(kind: string): pulumi.dynamic.ResourceProvider {
  const call = (method: string, args: unknown[]) => {
    const entry = `${process.env.ALTINN_IAC_ROOT || process.cwd()}/providers/load-runtime.js`;
    if (!require("fs").existsSync(entry)) {
      throw new Error(
        `altinn-iac: ${entry} not found; run pulumi from the altinn-iac project directory (or set ALTINN_IAC_ROOT)`,
      );
    }
    return require(entry).call(kind, method, args);
  };
  return {
    configure: (...args) => call("configure", args),
    check: (...args) => call("check", args),
    diff: (...args) => call("diff", args),
    create: (...args) => call("create", args),
    read: (...args) => call("read", args),
    update: (...args) => call("update", args),
    delete: (...args) => call("delete", args),
  };
}
