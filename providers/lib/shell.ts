import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider object Pulumi serializes into state for every dynamic resource.
 *
 * Pulumi copies a dynamic provider's code, and everything it reaches in the project's own files,
 * into each resource's state by value (docs/pulumi-notes.md section 2), twice (inputs and
 * outputs). With real HTTP, auth and XACML code that is tens of kilobytes per resource, and
 * `read`/`delete` would keep running the copy from the day the resource was last updated
 * (pulumi/pulumi#6490). So the serialized part is only this shell: each method loads the
 * implementation, the compiled `altinn-iac/providers/runtime`, by Node resolution from the Pulumi
 * project the provider process runs in (Pulumi starts it there): the package installed in a
 * consumer's node_modules, or this repository itself (self-reference through package.json
 * `exports`). Consequences, chosen on purpose: state stays small, and a fix in `read` or `delete`
 * takes effect at once, with the package version the project has installed.
 *
 * Nothing here may capture a value from outside the function but `kind` (a string literal), and
 * every character is stored twice per resource: one `call` serves all methods.
 */
export function runtimeProvider(kind: string): pulumi.dynamic.ResourceProvider {
  const call = (method: string, args: unknown[]) =>
    require("module")
      .createRequire(`${process.cwd()}/package.json`)("altinn-iac/providers/runtime")
      .call(kind, method, args);
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
