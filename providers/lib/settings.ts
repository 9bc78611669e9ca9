import { createPrivateKey, X509Certificate, type JsonWebKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import type { MaskinportenCredentials } from "./types";
import {
  ENVIRONMENT_NAMES,
  resolveEndpoints,
  type Endpoints,
  type EnvironmentName,
} from "./environments";
import { DEFAULT_RETRY, type RetryPolicy } from "./http";

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
  /**
   * The Digdir self-service admin client (`idporten:dcr.*` scopes), as configured: read and checked
   * only when a provider first needs a self-service token (`requireSelfServiceCredentials`), so a
   * stack without Maskinporten clients never needs it.
   */
  selfService?: SelfServiceCredentialSettings;
  /**
   * The scopes the self-service admin client holds, asked for together in one token; Digdir
   * checks per operation which it needs (altinn-iac:selfServiceScopes, space-separated;
   * DEFAULT_SELF_SERVICE_SCOPES when unset).
   */
  selfServiceScopes?: string[];
  /**
   * Added to the provider's clock (`local` only): tests and the demo move time forward together
   * with the simulator's clock to exercise key renewal without waiting a year.
   */
  clockOffsetMs?: number;
  /** Retries and the per-attempt time-out of every call (altinn-iac:http; defaults otherwise). */
  retry?: RetryPolicy;
}

/** The self-service admin client's settings as given (stack config or environment). */
export interface SelfServiceCredentialSettings {
  clientId?: string;
  /** `kid` of a key registered on the admin client (kid-signed admin clients, the simulator). */
  keyId?: string;
  /** PEM chain for `x5c`: the business certificate (virksomhetssertifikat) and its issuers. */
  certificate?: string;
  /** PEM or JWK private key; may instead be a PRIVATE KEY block inside `certificate`. */
  privateKey?: string;
}

/** Stack config keys, in the project's namespace (`altinn-iac:<key>`). */
export const CONFIG_KEYS = {
  environment: "environment",
  simulatorUrl: "simulatorUrl",
  endpoints: "endpoints",
  clientId: "maskinportenClientId",
  keyId: "maskinportenKeyId",
  privateKey: "maskinportenPrivateKey",
  selfServiceClientId: "selfServiceClientId",
  selfServiceKeyId: "selfServiceKeyId",
  selfServiceCertificate: "selfServiceCertificate",
  selfServicePrivateKey: "selfServicePrivateKey",
  selfServiceScopes: "selfServiceScopes",
  clockOffsetSeconds: "clockOffsetSeconds",
  http: "http",
} as const;

/** Environment variables that may carry the credentials instead of the stack config. */
export const CREDENTIAL_ENV = {
  clientId: "ALTINN_IAC_MASKINPORTEN_CLIENT_ID",
  keyId: "ALTINN_IAC_MASKINPORTEN_KEY_ID",
  privateKey: "ALTINN_IAC_MASKINPORTEN_PRIVATE_KEY",
  selfServiceClientId: "ALTINN_IAC_SELF_SERVICE_CLIENT_ID",
  selfServiceKeyId: "ALTINN_IAC_SELF_SERVICE_KEY_ID",
  selfServiceCertificate: "ALTINN_IAC_SELF_SERVICE_CERTIFICATE",
  selfServicePrivateKey: "ALTINN_IAC_SELF_SERVICE_PRIVATE_KEY",
} as const;

export type ConfigReader = (key: string) => string | undefined;

export function settingsFromConfig(
  read: ConfigReader,
  env: NodeJS.ProcessEnv = process.env,
): ProviderSettings {
  const given = read(CONFIG_KEYS.environment);
  if (given === undefined || given === "") {
    throw new Error(
      `altinn-iac:${CONFIG_KEYS.environment} is not set: set it to ${ENVIRONMENT_NAMES.join(", ")} (\`pulumi config set altinn-iac:${CONFIG_KEYS.environment} test\`), or give the AltinnConnection its environment`,
    );
  }
  const environment = given as EnvironmentName;
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
  const selfService = definedValues({
    clientId: read(CONFIG_KEYS.selfServiceClientId) ?? env[CREDENTIAL_ENV.selfServiceClientId],
    keyId: read(CONFIG_KEYS.selfServiceKeyId) ?? env[CREDENTIAL_ENV.selfServiceKeyId],
    certificate:
      read(CONFIG_KEYS.selfServiceCertificate) ?? env[CREDENTIAL_ENV.selfServiceCertificate],
    privateKey:
      read(CONFIG_KEYS.selfServicePrivateKey) ?? env[CREDENTIAL_ENV.selfServicePrivateKey],
  });
  const clockOffsetMs = parseClockOffset(environment, read(CONFIG_KEYS.clockOffsetSeconds));
  const retry = parseHttpSettings(read(CONFIG_KEYS.http));
  return {
    environment,
    endpoints,
    credentials,
    selfServiceScopes: parseSelfServiceScopes(read(CONFIG_KEYS.selfServiceScopes)),
    ...(Object.keys(selfService).length > 0 ? { selfService } : {}),
    ...(clockOffsetMs !== undefined ? { clockOffsetMs } : {}),
    ...(retry !== undefined ? { retry } : {}),
  };
}

/** What digdirator asks for (nais/digdirator pkg/config/config.go), without its scopes.write. */
export const DEFAULT_SELF_SERVICE_SCOPES = ["idporten:dcr.read", "idporten:dcr.write"];

function parseSelfServiceScopes(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === "") return DEFAULT_SELF_SERVICE_SCOPES;
  const scopes = raw.trim().split(/\s+/);
  const foreign = scopes.filter((s) => !s.startsWith("idporten:"));
  if (foreign.length > 0) {
    throw new Error(
      `altinn-iac:${CONFIG_KEYS.selfServiceScopes} lists the self-service admin client's idporten:dcr.* scopes, space-separated (such as "idporten:dcr.read idporten:dcr.write"); ${foreign.map((s) => `"${s}"`).join(", ")} is not one`,
    );
  }
  return [...new Set(scopes)];
}

const httpSettingsSchema = z
  .object({
    /** How long one attempt waits for an answer before it counts as a time-out. */
    timeoutMs: z.number().int().min(100).max(300_000),
    /** Attempts in all, the first included (1 turns retries off). */
    attempts: z.number().int().min(1).max(10),
    /** The first back-off; each retry doubles it, with full jitter, up to maxDelayMs. */
    baseDelayMs: z.number().int().min(0).max(60_000),
    maxDelayMs: z.number().int().min(0).max(300_000),
  })
  .partial()
  .strict();

/**
 * altinn-iac:http, such as `{ timeoutMs: 10000, attempts: 5 }`: what is not given keeps its
 * default. A CI run against the simulator shortens them so a hanging call fails in a second.
 */
function parseHttpSettings(raw: string | undefined): RetryPolicy | undefined {
  if (raw === undefined || raw === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  const parsed = httpSettingsSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.length > 0 ? `.${issue.path.join(".")}` : "";
      return `altinn-iac:${CONFIG_KEYS.http}${path}: ${issue.message}`;
    });
    throw new Error(
      `${problems.join("; ")} (expected an object such as { timeoutMs: 10000, attempts: 5, baseDelayMs: 250, maxDelayMs: 20000 })`,
    );
  }
  return { ...DEFAULT_RETRY, ...parsed.data };
}

function definedValues<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== ""),
  ) as Partial<T>;
}

function parseClockOffset(
  environment: EnvironmentName,
  raw: string | undefined,
): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds)) {
    throw new Error(
      `altinn-iac:${CONFIG_KEYS.clockOffsetSeconds} must be a number of seconds, got "${raw}"`,
    );
  }
  if (environment !== "local") {
    // Against the real services a shifted clock only breaks token assertions (iat is checked to
    // within 10 s), so the offset exists for the simulator alone.
    throw new Error(
      `altinn-iac:${CONFIG_KEYS.clockOffsetSeconds} is for the local simulator only: remove it from the ${environment} stack`,
    );
  }
  return seconds * 1000;
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

const SELF_SERVICE_KEYS = `altinn-iac:${CONFIG_KEYS.selfServiceClientId}, altinn-iac:${CONFIG_KEYS.selfServiceCertificate} and altinn-iac:${CONFIG_KEYS.selfServicePrivateKey} (pulumi config set --secret ...), or the environment variables ${CREDENTIAL_ENV.selfServiceClientId}, ${CREDENTIAL_ENV.selfServiceCertificate} and ${CREDENTIAL_ENV.selfServicePrivateKey}`;

const PKCS12_FIX =
  "a PKCS#12 file (.p12/.pfx) is not read directly:" +
  "\n  1. convert it: `openssl pkcs12 -in cert.p12 -nodes -out cert.pem`" +
  "\n  2. set the CERTIFICATE blocks of cert.pem: `pulumi config set altinn-iac:selfServiceCertificate < chain.pem`" +
  "\n  3. set its PRIVATE KEY block with --secret: `pulumi config set --secret altinn-iac:selfServicePrivateKey < key.pem`";

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
const PRIVATE_KEY_BLOCK =
  /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]*?-----END (?:RSA |EC )?PRIVATE KEY-----/;

/**
 * The self-service admin client's credentials, checked: a business-certificate chain for `x5c`
 * (Digdir's admin clients sign with the virksomhetssertifikat), or a `kid` for kid-signed admin
 * clients. Throws what to set when something is missing or unreadable, never echoing a key.
 */
/** Whether a self-service admin client is configured at all (not whether its values are valid). */
export function hasSelfServiceCredentials(settings: ProviderSettings): boolean {
  const given = settings.selfService ?? {};
  const certificateText = given.certificate?.trim();
  const privateKey = given.privateKey ?? PRIVATE_KEY_BLOCK.exec(certificateText ?? "")?.[0];
  return Boolean(given.clientId && privateKey && (certificateText || given.keyId));
}

export function requireSelfServiceCredentials(settings: ProviderSettings): MaskinportenCredentials {
  const given = settings.selfService ?? {};
  const certificateText = given.certificate?.trim();
  const privateKey = given.privateKey ?? PRIVATE_KEY_BLOCK.exec(certificateText ?? "")?.[0];
  if (!given.clientId || !privateKey || !hasSelfServiceCredentials(settings)) {
    throw new Error(
      `no Digdir self-service admin client for the ${settings.environment} environment (needed for Maskinporten clients and keys): set ${SELF_SERVICE_KEYS}; ` +
        `an admin client with a registered key may set altinn-iac:${CONFIG_KEYS.selfServiceKeyId} instead of the certificate`,
    );
  }
  if (!isPemOrJwk(privateKey)) {
    throw new Error(
      `altinn-iac:${CONFIG_KEYS.selfServicePrivateKey} is not a PEM private key or a private JWK: ${PKCS12_FIX}`,
    );
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(privateKey)) {
    throw new Error(
      `altinn-iac:${CONFIG_KEYS.selfServicePrivateKey} is an encrypted private key: export it without a passphrase (\`openssl pkcs12 -in cert.p12 -nodes\` or \`openssl pkey -in key.pem\`) and store it with --secret`,
    );
  }
  if (!certificateText) {
    return { clientId: given.clientId, keyId: given.keyId, privateKey };
  }
  return {
    clientId: given.clientId,
    privateKey,
    certificateChain: certificateChain(certificateText, privateKey),
  };
}

function isPemOrJwk(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith("{") || /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(trimmed);
}

/** Base64 DER certificates for `x5c`, the certificate of the private key first. */
function certificateChain(pem: string, privateKey: string): string[] {
  const bodies = [...pem.matchAll(CERTIFICATE_BLOCK)].map((m) => m[1]!.replace(/\s+/g, ""));
  if (bodies.length === 0) {
    throw new Error(
      `altinn-iac:${CONFIG_KEYS.selfServiceCertificate} holds no PEM certificate (-----BEGIN CERTIFICATE-----): ${PKCS12_FIX}`,
    );
  }
  let key: KeyObject;
  try {
    key = privateKey.trim().startsWith("{")
      ? createPrivateKey({ key: JSON.parse(privateKey) as JsonWebKey, format: "jwk" })
      : createPrivateKey(privateKey);
  } catch {
    throw new Error(
      `altinn-iac:${CONFIG_KEYS.selfServicePrivateKey} could not be read: expected a PEM private key (PKCS#8 or PKCS#1) or a private JWK`,
    );
  }
  const certificates = bodies.map((body, index) => {
    try {
      return new X509Certificate(Buffer.from(body, "base64"));
    } catch {
      throw new Error(
        `altinn-iac:${CONFIG_KEYS.selfServiceCertificate}: certificate ${index + 1} of the chain could not be read`,
      );
    }
  });
  const own = certificates.findIndex((certificate) => certificate.checkPrivateKey(key));
  if (own < 0) {
    throw new Error(
      `altinn-iac:${CONFIG_KEYS.selfServicePrivateKey} does not belong to any certificate in altinn-iac:${CONFIG_KEYS.selfServiceCertificate}: use the business certificate's own private key`,
    );
  }
  // Maskinporten reads the signer from the first x5c entry, so the business certificate leads.
  return [bodies[own]!, ...bodies.filter((_, index) => index !== own)];
}
