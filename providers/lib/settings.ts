import type { MaskinportenCredentials } from "../auth/maskinporten";
import {
  ENVIRONMENT_NAMES,
  resolveEndpoints,
  type Endpoints,
  type EnvironmentName,
} from "./environments";
import type { RetryPolicy } from "./http";

/**
 * What every provider needs besides its resource's inputs: the environment, its endpoints and the
 * credentials. It is read in the dynamic provider's `configure` from the stack config (secrets
 * decrypted by the engine), with environment variables as the alternative for credentials, so
 * credentials are never resource inputs and never land in state.
 */
export interface ProviderSettings {
  environment: EnvironmentName;
  endpoints: Endpoints;
  /** The provisioning Maskinporten client (Altinn scopes); undefined until configured. */
  credentials?: MaskinportenCredentials;
  retry?: RetryPolicy;
}

/** Stack config keys, in the project's namespace (`altinn-iac:<key>`). */
export const CONFIG_KEYS = {
  environment: "environment",
  simulatorUrl: "simulatorUrl",
  endpoints: "endpoints",
  clientId: "maskinportenClientId",
  keyId: "maskinportenKeyId",
  privateKey: "maskinportenPrivateKey",
} as const;

/** Environment variables that may carry the credentials instead of the stack config. */
export const CREDENTIAL_ENV = {
  clientId: "ALTINN_IAC_MASKINPORTEN_CLIENT_ID",
  keyId: "ALTINN_IAC_MASKINPORTEN_KEY_ID",
  privateKey: "ALTINN_IAC_MASKINPORTEN_PRIVATE_KEY",
} as const;

export type ConfigReader = (key: string) => string | undefined;

export function settingsFromConfig(
  read: ConfigReader,
  env: NodeJS.ProcessEnv = process.env,
): ProviderSettings {
  const environment = (read(CONFIG_KEYS.environment) ?? "local") as EnvironmentName;
  if (!ENVIRONMENT_NAMES.includes(environment)) {
    throw new Error(
      `altinn-iac:${CONFIG_KEYS.environment} must be one of ${ENVIRONMENT_NAMES.join(", ")}, got "${environment}"`,
    );
  }
  const overrides = parseEndpointOverrides(read(CONFIG_KEYS.endpoints));
  const endpoints = resolveEndpoints(
    environment,
    overrides,
    read(CONFIG_KEYS.simulatorUrl) ?? undefined,
  );
  const clientId = read(CONFIG_KEYS.clientId) ?? env[CREDENTIAL_ENV.clientId];
  const keyId = read(CONFIG_KEYS.keyId) ?? env[CREDENTIAL_ENV.keyId];
  const privateKey = read(CONFIG_KEYS.privateKey) ?? env[CREDENTIAL_ENV.privateKey];
  const credentials =
    clientId && privateKey ? { clientId, keyId: keyId || undefined, privateKey } : undefined;
  return { environment, endpoints, credentials };
}

function parseEndpointOverrides(raw: string | undefined): Partial<Endpoints> {
  if (raw === undefined || raw === "") return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      return parsed as Partial<Endpoints>;
    }
  } catch {
    // fall through to the error below
  }
  throw new Error(
    `altinn-iac:${CONFIG_KEYS.endpoints} must be an object such as {"platform": "https://platform.tt02.altinn.no"}`,
  );
}

/** Throws the guidance a user needs when no credentials are configured. */
export function requireCredentials(settings: ProviderSettings): MaskinportenCredentials {
  if (settings.credentials) return settings.credentials;
  throw new Error(
    `no Maskinporten credentials for the ${settings.environment} environment: set ` +
      `altinn-iac:${CONFIG_KEYS.clientId}, altinn-iac:${CONFIG_KEYS.keyId} and ` +
      `altinn-iac:${CONFIG_KEYS.privateKey} (pulumi config set --secret ...), or the environment variables ` +
      `${CREDENTIAL_ENV.clientId}, ${CREDENTIAL_ENV.keyId} and ${CREDENTIAL_ENV.privateKey}`,
  );
}
