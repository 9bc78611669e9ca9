/**
 * The altinn-iac program: one org's Correspondence setup in one environment, from the stack file
 * (Pulumi.<stack>.yaml). No HTTP and no XML here: the providers do the work.
 */
import { loadStackConfig } from "./program/config";
import { AltinnResource, type AltinnResourceArgs } from "./providers/altinn-resource";
import { MaskinportenClient } from "./providers/maskinporten-client";
import {
  MaskinportenClientKey,
  type MaskinportenClientKeyArgs,
} from "./providers/maskinporten-client-key";

const config = loadStackConfig();

const resources = config.resources.map(
  (spec) =>
    new AltinnResource(spec.identifier, {
      ...(spec as unknown as AltinnResourceArgs),
      hasCompetentAuthority: { organization: config.org.number, orgcode: config.org.code },
    }),
);

export const environment = config.environment;
export const resourceIds = resources.map((r) => r.identifier);
export const resourceUrls = resources.map((r) => r.resourceUrl);

const managedClients = config.maskinportenClients.map((spec) => {
  const client = new MaskinportenClient(spec.name, {
    clientName: spec.clientName,
    description: spec.description,
    scopes: spec.scopes,
    ...(spec.accessTokenLifetime !== undefined
      ? { accessTokenLifetime: spec.accessTokenLifetime }
      : {}),
  });
  const key = new MaskinportenClientKey(`${spec.name}-key`, {
    ...(spec.key as Omit<MaskinportenClientKeyArgs, "clientId">),
    clientId: client.clientId,
  });
  return { name: spec.name, key };
});
const keysOfOtherClients = config.maskinportenClientKeys.map(({ name, ...spec }) => ({
  name,
  key: new MaskinportenClientKey(`${name}-key`, spec as MaskinportenClientKeyArgs),
}));

/** Per client: its client_id, the current key's kid and expiry (private keys stay in state). */
export const maskinportenClients = Object.fromEntries(
  [...managedClients, ...keysOfOtherClients].map(({ name, key }) => [
    name,
    {
      clientId: key.clientId,
      keyId: key.keyId,
      keyExpiresAt: key.keyExpiresAt,
      previousKeyIds: key.previousKeyIds,
    },
  ]),
);
