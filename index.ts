/**
 * The altinn-iac program: one org's Correspondence setup in one environment, from the stack file
 * (Pulumi.<stack>.yaml). No HTTP and no XML here: the providers do the work.
 */
import { correspondencePolicy } from "./policies/templates";
import { loadStackConfig, type PolicySpec } from "./program/config";
import { AltinnResource, type AltinnResourceArgs } from "./providers/altinn-resource";
import { ResourcePolicy, type ResourcePolicyArgs } from "./providers/resource-policy";

const config = loadStackConfig();

const resources = config.resources.map(({ policy, ...spec }) => {
  const resource = new AltinnResource(spec.identifier, {
    ...(spec as unknown as AltinnResourceArgs),
    hasCompetentAuthority: { organization: config.org.number, orgcode: config.org.code },
  });
  if (policy) {
    new ResourcePolicy(
      `${spec.identifier}-policy`,
      {
        resourceId: spec.identifier,
        ...policyArgs(policy),
        resourceType: spec.resourceType ?? "CorrespondenceService",
        owner: config.org.code,
      },
      { dependsOn: [resource] },
    );
  }
  return resource;
});

/** A template is expanded here; rules and XML go to the provider, which validates them. */
function policyArgs(spec: PolicySpec): Pick<ResourcePolicyArgs, "policy" | "xml"> {
  switch (spec.form) {
    case "template": {
      const { form: _form, template: _template, ...options } = spec;
      return { policy: correspondencePolicy(config.org.code, options) };
    }
    case "rules": {
      const { form: _form, ...policy } = spec;
      return { policy: policy as ResourcePolicyArgs["policy"] };
    }
    case "xml":
      return { xml: spec.xml };
  }
}

export const environment = config.environment;
export const resourceIds = resources.map((r) => r.identifier);
export const resourceUrls = resources.map((r) => r.resourceUrl);
