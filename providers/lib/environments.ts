/**
 * Where each remote API lives per environment. Test pairs Altinn tt02 with Maskinporten test and
 * Digdir's self-service test; production pairs the production hosts (docs/altinn-apis.md
 * section 1). `local` points every API at the simulator, which serves them all from one origin under
 * the same paths, with Maskinporten and self-service under their own prefixes so the issuer and the
 * `/api/v1` prefix keep their real shape.
 */
import { hostFinding, simulatorAdminProblem } from "./hostile";

export const ENVIRONMENT_NAMES = ["local", "test", "prod"] as const;

export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** What sets an environment apart, beyond its endpoints. Read these, never compare names. */
export interface EnvironmentProperties {
  /**
   * Production: destructive plans need acceptance, objects are protected by default, the
   * review and deploy workflow stop on unaccepted deletes, verify sends only with --allow-prod.
   */
  production: boolean;
  /** Whether the Resource Registry deletes a resource (production refuses: retained instead). */
  resourceDeletion: boolean;
  /**
   * Served by the built-in simulator at the stack's simulatorUrl: `npm run pulumi` starts it, and
   * `npm run init` gives the stack the simulator's demo clients.
   */
  simulator: boolean;
  /** How messages name it. */
  description: string;
}

export const ENVIRONMENTS: Record<EnvironmentName, EnvironmentProperties> = {
  // The simulator stands in for the test environment, and messages name what a user asks for there.
  local: {
    production: false,
    resourceDeletion: true,
    simulator: true,
    description: "the test environment",
  },
  test: {
    production: false,
    resourceDeletion: true,
    simulator: false,
    description: "the test environment (tt02 / Maskinporten test)",
  },
  prod: { production: true, resourceDeletion: false, simulator: false, description: "production" },
};

/** The properties of an environment; an unknown name is an error, never a silent default. */
export function environmentProperties(environment: string): EnvironmentProperties {
  if (!Object.hasOwn(ENVIRONMENTS, environment)) {
    throw new Error(
      `unknown environment "${environment}": write one of ${ENVIRONMENT_NAMES.join(", ")}`,
    );
  }
  return ENVIRONMENTS[environment as EnvironmentName];
}

/** Whether a name (as read from a plan or a stack file) is a production environment. */
export function isProduction(environment: string | undefined): boolean {
  return (
    environment !== undefined &&
    Object.hasOwn(ENVIRONMENTS, environment) &&
    ENVIRONMENTS[environment as EnvironmentName].production
  );
}

export interface Endpoints {
  /** Altinn platform origin: Resource Registry, Events, Authentication, Correspondence. */
  platform: string;
  /** Maskinporten issuer, with its trailing slash: the JWT grant's `aud`. */
  maskinportenIssuer: string;
  /** Digdir self-service API origin. */
  selfService: string;
  /** Path prefix of the self-service API; digdirator uses `/api/v1`, the docs show none. */
  selfServicePathPrefix: string;
  /** The service-owner list (org code to org number, environments). */
  orgList: string;
}

const BUILT_IN: Record<Exclude<EnvironmentName, "local">, Endpoints> = {
  test: {
    platform: "https://platform.tt02.altinn.no",
    maskinportenIssuer: "https://test.maskinporten.no/",
    selfService: "https://api.test.samarbeid.digdir.no",
    selfServicePathPrefix: "/api/v1",
    orgList: "https://altinncdn.no/orgs/altinn-orgs.json",
  },
  prod: {
    platform: "https://platform.altinn.no",
    maskinportenIssuer: "https://maskinporten.no/",
    selfService: "https://api.samarbeid.digdir.no",
    selfServicePathPrefix: "/api/v1",
    orgList: "https://altinncdn.no/orgs/altinn-orgs.json",
  },
};

/** The default simulator origin of the `local` stack (`npm run simulator`). */
export const DEFAULT_SIMULATOR_URL = "http://127.0.0.1:5055";

/** Endpoints of the simulator at `origin`, laid out as the simulator serves them. */
export function simulatorEndpoints(origin: string): Endpoints {
  const base = origin.replace(/\/+$/, "");
  return {
    platform: base,
    maskinportenIssuer: `${base}/maskinporten/`,
    selfService: `${base}/selfservice`,
    selfServicePathPrefix: "/api/v1",
    orgList: `${base}/resourceregistry/api/v1/resource/orgs`,
  };
}

/**
 * The endpoints of an environment, with any field overridden. http:// is accepted only for
 * loopback hosts, so a token or key is never sent in clear text over a network.
 */
export function resolveEndpoints(
  environment: EnvironmentName,
  overrides: Partial<Endpoints> = {},
  simulatorUrl: string = DEFAULT_SIMULATOR_URL,
): Endpoints {
  const base = environment === "local" ? simulatorEndpoints(simulatorUrl) : BUILT_IN[environment];
  const endpoints = { ...base, ...definedOnly(overrides) };
  for (const [key, value] of Object.entries(endpoints)) {
    if (key === "selfServicePathPrefix") continue;
    assertSafeUrl(`endpoints.${key}`, value);
    const hostile =
      hostFinding(value).problem ??
      (environment === "local" ? simulatorAdminProblem(value) : undefined);
    if (hostile) throw new Error(`endpoints.${key}: ${hostile}`);
  }
  if (!endpoints.maskinportenIssuer.endsWith("/")) {
    throw new Error(
      `endpoints.maskinportenIssuer must end with "/" (Maskinporten compares the JWT audience with its issuer exactly), got "${endpoints.maskinportenIssuer}"`,
    );
  }
  return endpoints;
}

/** Throws unless `value` is an https URL, or an http URL to a loopback host. */
export function assertSafeUrl(property: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${property} is not an absolute URL: "${value}"`);
  }
  if (url.protocol === "https:") return;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return;
  throw new Error(
    `${property} must use https (http is allowed only for loopback hosts such as 127.0.0.1), got "${value}"`,
  );
}

export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname === "[::1]" ||
    hostname === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
