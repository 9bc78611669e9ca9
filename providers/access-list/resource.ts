import * as pulumi from "@pulumi/pulumi";
import { runtimeProvider } from "../lib/shell";
import type { AccessListArgs, ResourceConnection } from "./schema";

/**
 * An access list with its members and resource connections, managed declaratively.
 *
 * ```ts
 * new AccessList("godkjente-banker", {
 *   owner: "digdir",
 *   identifier: "godkjente-banker",
 *   name: "Godkjente banker",
 *   members: ["991825827", "974760673"],
 *   resources: [{ identifier: "digdir-melding", actionFilters: ["read"] }],
 * });
 * ```
 */
export class AccessList extends pulumi.dynamic.Resource {
  declare readonly owner: pulumi.Output<string>;
  declare readonly identifier: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly members: pulumi.Output<string[]>;
  declare readonly resources: pulumi.Output<ResourceConnection[]>;
  declare readonly accessListUrn: pulumi.Output<string>;

  constructor(name: string, args: AccessListArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      accessListProvider,
      name,
      { ...args, accessListUrn: undefined },
      opts,
      "altinn",
      "AccessList",
    );
  }
}

const accessListProvider = runtimeProvider("AccessList");
