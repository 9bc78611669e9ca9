/**
 * The altinn-iac program: one org's Correspondence setup in one environment, from the stack file
 * (Pulumi.<stack>.yaml). No HTTP and no XML here: the providers do the work, and
 * program/service-owner-setup.ts wires them in the order Altinn needs.
 */
import "./program/stop-with-engine";
import "./program/redacted-debug-log";
import { loadStackConfig } from "./program/config";
import { declaredObjects } from "./program/declared-objects";
import { guardPlan } from "./program/plan-guards";
import { platformOrigin } from "./program/platform";
import { ServiceOwnerSetup } from "./program/service-owner-setup";
import { verificationOutput } from "./program/verification";
import { resourceUrlAt } from "./providers/api/resource-registry";
import { accessListUrn, resourceUrn } from "./providers/lib/identifiers";

const config = loadStackConfig();
const deployed = guardPlan(config, declaredObjects(config));
const setup = new ServiceOwnerSetup(config.org.code, { config, deployed });

export const environment = config.environment;
export const org = config.org;
// Outputs the program knows from the stack file are given as values: computed by a provider they
// would be unknown while an update is previewed, and every preview would show them as changes.
const platform = platformOrigin();
/** Per resource identifier: its URN (as policies, lists and Events name it) and its URL. */
export const resources = Object.fromEntries(
  [...setup.resources].map(([id, r]) => [
    id,
    { urn: resourceUrn(id), url: platform ? resourceUrlAt(platform, id) : r.resourceUrl },
  ]),
);
/** Per access list identifier: its URN. */
export const accessLists = Object.fromEntries(
  [...setup.accessLists.keys()].map((id) => [id, { urn: accessListUrn(config.org.code, id) }]),
);
/** Per subscription name: its Events id and whether its endpoint answered the validation event. */
export const subscriptions = Object.fromEntries(
  [...setup.subscriptions].map(([name, s]) => [
    name,
    { id: s.subscriptionId, validated: s.validated },
  ]),
);
/** Per client name: its client_id, the current key's kid and expiry (private keys stay in state). */
export const maskinportenClients = Object.fromEntries(setup.clients);
/** What `npm run verify -- --stack <name>` sends with (set altinn-iac:verification). */
export const verification =
  verificationOutput(
    config,
    [...setup.keys].map(([name, key]) => ({ name, key })),
  ) ?? null;
