import * as pulumi from "@pulumi/pulumi";
import { runtimeProvider } from "../lib/shell";
import type { AltinnResourceArgs, AltinnResourceInputs } from "./schema";

/**
 * A Resource Registry resource, managed declaratively.
 *
 * ```ts
 * new AltinnResource("melding", {
 *   identifier: "digdir-melding",
 *   title: { nb: "Melding", nn: "Melding", en: "Message" },
 *   ...
 * });
 * ```
 */
export class AltinnResource extends pulumi.dynamic.Resource {
  declare readonly identifier: pulumi.Output<string>;
  declare readonly resourceUrn: pulumi.Output<string>;
  declare readonly resourceUrl: pulumi.Output<string>;
  declare readonly accessListMode: pulumi.Output<"Disabled" | "Enabled">;
  declare readonly hasCompetentAuthority: pulumi.Output<
    AltinnResourceInputs["hasCompetentAuthority"]
  >;

  constructor(name: string, args: AltinnResourceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      altinnResourceProvider,
      name,
      { ...args, resourceUrn: undefined, resourceUrl: undefined },
      opts,
      "altinn",
      "AltinnResource",
    );
  }
}

const altinnResourceProvider = runtimeProvider("AltinnResource");
