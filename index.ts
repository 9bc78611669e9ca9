/**
 * The altinn-iac program: one org's Correspondence setup in one environment, from the stack file
 * (Pulumi.<stack>.yaml). No HTTP and no XML here: the providers do the work.
 */
import { loadStackConfig } from "./program/config";
import { resourcePolicies } from "./program/resource-policies";
import { AltinnResource, type AltinnResourceArgs } from "./providers/altinn-resource";

const config = loadStackConfig();

const resources = config.resources.map(
  ({ policy: _policy, ...spec }) =>
    new AltinnResource(spec.identifier, {
      ...(spec as unknown as AltinnResourceArgs),
      hasCompetentAuthority: { organization: config.org.number, orgcode: config.org.code },
    }),
);

resourcePolicies(config, resources);

export const environment = config.environment;
export const resourceIds = resources.map((r) => r.identifier);
export const resourceUrls = resources.map((r) => r.resourceUrl);
