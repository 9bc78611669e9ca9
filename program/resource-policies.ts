import type * as pulumi from "@pulumi/pulumi";
import { correspondencePolicy } from "../policies/templates";
import { ResourcePolicy, type ResourcePolicyArgs } from "../providers/resource-policy";
import type { PolicySpec, StackConfig } from "./config";
import { objectName } from "./declared-objects";

/**
 * The ResourcePolicy of every resource whose stack entry carries `policy`, each depending on its
 * AltinnResource (the upload answers 400 "Unknown resource" before the resource exists). The
 * lint context (type and owner) comes from the stack file, so preview lints with known values.
 */
export function resourcePolicies(
  config: StackConfig,
  /** The AltinnResource of each entry in `config.resources`, in the same order. */
  resources: pulumi.Resource[],
  /** The options of the object named `name` (protection, aliases). */
  optionsOf: (name: string) => pulumi.CustomResourceOptions = () => ({}),
): Map<string, ResourcePolicy> {
  return new Map(
    config.resources.flatMap((spec, i) =>
      spec.policy
        ? [
            [
              spec.identifier,
              new ResourcePolicy(
                objectName.policy(spec.identifier),
                {
                  resourceId: spec.identifier,
                  ...policyArgs(spec.policy, config.org.code),
                  resourceType: spec.resourceType ?? "CorrespondenceService",
                  owner: config.org.code,
                },
                { ...optionsOf(objectName.policy(spec.identifier)), dependsOn: [resources[i]!] },
              ),
            ],
          ]
        : [],
    ),
  );
}

/** A template is expanded here; rules and XML go to the provider, which validates them. */
export function policyArgs(
  spec: PolicySpec,
  org: string,
): Pick<ResourcePolicyArgs, "policy" | "xml"> {
  switch (spec.form) {
    case "template": {
      const { form: _form, template: _template, ...options } = spec;
      return { policy: correspondencePolicy(org, options) };
    }
    case "rules": {
      const { form: _form, ...policy } = spec;
      return { policy: policy as ResourcePolicyArgs["policy"] };
    }
    case "xml":
      return { xml: spec.xml };
  }
}
