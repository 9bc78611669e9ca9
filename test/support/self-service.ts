import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  requestMaskinportenToken,
  type IssuedToken,
  type MaskinportenCredentials,
} from "../../providers/auth/maskinporten";
import { createContext } from "../../providers/auth/context";
import type { ProviderContext } from "../../providers/lib/context";
import { simulatorEndpoints } from "../../providers/lib/environments";
import type { SelfServiceCredentialSettings } from "../../providers/lib/settings";
import { createClient, type ClientRegistration } from "../../providers/api/self-service";
import type { Simulator } from "../../simulator/server";
import { DEMO_SELF_SERVICE_CLIENT_ID } from "../../simulator/state";
import { DEMO_CLIENT_ID, DEMO_KEY_ID, DEMO_PRIVATE_KEY, demoStackValues } from "./simulator";

/**
 * The demo org's Digdir self-service admin client in the simulator: it signs with the fake
 * business certificate in simulator/demo (x5c), as Digdir's admin clients do.
 */
export { DEMO_SELF_SERVICE_CLIENT_ID };

const DEMO_DIR = join(__dirname, "..", "..", "simulator", "demo");
export const DEMO_BUSINESS_CERTIFICATE = readFileSync(
  join(DEMO_DIR, "demo-business-certificate.pem"),
  "utf8",
);
export const DEMO_BUSINESS_CERTIFICATE_KEY = readFileSync(
  join(DEMO_DIR, "demo-business-certificate.key.pem"),
  "utf8",
);

export function demoSelfServiceSettings(): SelfServiceCredentialSettings {
  return {
    clientId: DEMO_SELF_SERVICE_CLIENT_ID,
    certificate: DEMO_BUSINESS_CERTIFICATE,
    privateKey: DEMO_BUSINESS_CERTIFICATE_KEY,
  };
}

/** A provider context of the demo org with both its provisioning and its self-service client. */
export function selfServiceContext(
  simulator: Simulator,
  overrides: Parameters<typeof createContext>[1] = {},
  selfService: SelfServiceCredentialSettings = demoSelfServiceSettings(),
): ProviderContext {
  return createContext(
    {
      environment: "local",
      endpoints: simulatorEndpoints(simulator.url),
      credentials: { clientId: DEMO_CLIENT_ID, keyId: DEMO_KEY_ID, privateKey: DEMO_PRIVATE_KEY },
      selfService,
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50 },
    },
    { warn: () => undefined, ...overrides },
  );
}

/** Config values of an e2e stack of the demo org with its self-service admin client. */
export function selfServiceStackValues(simulator: Simulator): Record<string, unknown> {
  return {
    ...demoStackValues(simulator),
    selfServiceClientId: DEMO_SELF_SERVICE_CLIENT_ID,
    selfServiceCertificate: DEMO_BUSINESS_CERTIFICATE,
  };
}

export const SELF_SERVICE_STACK_SECRETS = {
  maskinportenPrivateKey: DEMO_PRIVATE_KEY,
  selfServicePrivateKey: DEMO_BUSINESS_CERTIFICATE_KEY,
};

/**
 * A Maskinporten token for a client's own key from the simulator, as a consumer of the client
 * asks for it; the clock is the simulator's (offset included) so expiry checks line up.
 */
export function tokenFor(
  simulator: Simulator,
  credentials: MaskinportenCredentials,
  scopes: readonly string[],
): Promise<IssuedToken> {
  return requestMaskinportenToken(simulatorEndpoints(simulator.url), credentials, scopes, {
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    now: () => simulator.context.nowMs(),
  });
}

/** A client made through the API (not the provider), as the server answered it. */
export async function createdClient(
  ctx: ProviderContext,
  registration: ClientRegistration,
): Promise<ClientRegistration> {
  const outcome = await createClient(ctx, registration);
  if (outcome.kind !== "created") throw new Error(`the create came to ${outcome.kind}`);
  return outcome.client;
}
