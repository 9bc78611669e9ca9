import type { CloudEvent, DeliveryRecord } from "./event-bus";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The simulator's in-memory world. Plain JSON-able records, so the whole state can be persisted
 * to a file (the demo keeps its objects between runs) and inspected by tests through the admin API.
 */

export interface SimOrg {
  orgnr: string;
  name: { nb: string; nn: string; en: string };
  homepage: string;
  environments: string[];
}

export interface SimJwk {
  kid: string;
  kty: string;
  alg?: string;
  use?: string;
  n: string;
  e: string;
  /** Epoch seconds after which Maskinporten refuses the key (one year after it was posted). */
  exp?: number;
  x5c?: string[];
}

export interface SimClient {
  client_id: string;
  client_name: string;
  description: string;
  integration_type: string;
  application_type: string;
  token_endpoint_auth_method: string;
  grant_types: string[];
  scopes: string[];
  client_orgno: string;
  access_token_lifetime?: number;
  created: string;
  last_updated: string;
  active: boolean;
  jwks: SimJwk[];
  jwks_created?: string;
  jwks_last_updated?: string;
  /** Self-service admin clients authenticate with the org's business certificate (x5c). */
  certificate_auth?: boolean;
  /** Extra fields the self-service API stores and returns as given. */
  extra?: Record<string, unknown>;
}

export interface ScopeGrant {
  scope: string;
  consumer_orgno: string;
  owner_orgno: string;
  state: "APPROVED" | "REQUESTED" | "DENIED";
  created: string;
  last_updated: string;
}

export type ServiceResourceDoc = Record<string, unknown> & { identifier: string };

export interface StoredResource {
  /** Every stored version, oldest first; versionId is the 1-based position. */
  versions: ServiceResourceDoc[];
}

/** A member of an access list, keyed by party uuid in `SimAccessList.members`. */
export interface SimAccessListMember {
  since: string;
}

export interface SimAccessListConnection {
  /** Allowed actions; empty means every action. */
  actionFilters: string[];
  createdAt: string;
  updatedAt: string;
}

/** An access list (Resource Rights Registry), keyed by `{owner}/{identifier}` in `SimState.accessLists`. */
export interface SimAccessList {
  /** The owner's org code, lowercase as the org list has it. */
  owner: string;
  identifier: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  /** One version counter for the whole list (name, members, connections): the weak ETag. */
  version: number;
  /** Members by party uuid. */
  members: Record<string, SimAccessListMember>;
  /** Resource connections by resource identifier. */
  connections: Record<string, SimAccessListConnection>;
}

/**
 * A change by another writer that lands just before the next `remaining` requests of one kind to a
 * list, so tests can make a race happen at an exact point (the list's version moves under the
 * caller): before writes, or before reads of a page after the first (a `next` link).
 */
export interface SimAccessListRace {
  trigger: "write" | "next-page";
  /** Party URNs the other writer adds. */
  addMembers: string[];
  /** Party URNs the other writer removes. */
  removeMembers: string[];
  remaining: number;
}

export interface SimState {
  /** Service-owner list, by org code (altinn-orgs.json). */
  orgs: Record<string, SimOrg>;
  /** Maskinporten clients by client_id. */
  clients: Record<string, SimClient>;
  /** Public keys of business certificates per org number (what x5c signatures are checked against). */
  businessCertificates: Record<string, SimJwk[]>;
  scopeGrants: ScopeGrant[];
  resources: Record<string, StoredResource>;
  /** XACML policy text per resource id. */
  policies: Record<string, string>;
  /** Access lists by `{owner}/{identifier}`. */
  accessLists: Record<string, SimAccessList>;
  /** Pending races per access list key (test hooks, set through the admin API). */
  accessListRaces: Record<string, SimAccessListRace>;
  /** Altinn Events subscriptions by id. */
  subscriptions: Record<string, SimSubscription>;
  /** The next subscription id (Events numbers them). */
  nextSubscriptionId: number;
  /** Every cloud event published (Correspondence's events), oldest first. */
  events: CloudEvent[];
  /** Every push of an event to a subscription's endpoint, with the endpoint's status. */
  deliveries: DeliveryRecord[];
  /** Correspondences by id (Correspondence API). */
  correspondences: Record<string, SimCorrespondence>;
  /**
   * The party register Correspondence looks recipients up in: synthetic test parties (as Tenor's
   * in tt02) by organisation number or national identity number.
   */
  parties: Record<string, SimParty>;
  /** The demo webhook receivers (`/webhooks/{name}`), by name. */
  webhooks: Record<string, SimWebhook>;
  /** jti values already used, with their expiry (epoch seconds). */
  usedJtis: Record<string, number>;
  /** Added to the wall clock; tests move time forward without waiting. */
  clockOffsetMs: number;
}

/** An Events subscription as the API returns it (Subscription.cs). */
export interface SimSubscription {
  id: number;
  endPoint: string;
  resourceFilter?: string;
  sourceFilter?: string;
  subjectFilter?: string;
  alternativeSubjectFilter?: string;
  typeFilter?: string;
  includeSubunits: boolean;
  /** `/org/{orgcode}`, `/organisation/{orgnr}`, ...: who may read and delete it. */
  consumer: string;
  createdBy: string;
  created: string;
  validated: boolean;
}

/** A party in the simulator's register (Altinn Register). */
export interface SimParty {
  partyId: number;
  name: string;
  type: "organization" | "person";
}

/** A correspondence as the simulator stores it. */
export interface SimCorrespondence {
  correspondenceId: string;
  resourceId: string;
  /** The resource owner's organisation number (Correspondence ignores the obsolete `sender`). */
  sender: string;
  recipient: string;
  sendersReference: string;
  messageTitle: string;
  idempotentKey?: string;
  created: string;
  published?: string;
  statusHistory: Array<{ status: string; statusChanged: string }>;
}

/** Synthetic test organisations (Tenor-style), the recipients a verification may send to. */
export const TEST_PARTIES: Record<string, SimParty> = {
  "310654321": { partyId: 51000001, name: "SYNTETISK MOTTAKER AS", type: "organization" },
  "311987654": { partyId: 51000002, name: "TESTBEDRIFT MELDING AS", type: "organization" },
};

/**
 * A webhook receiver of the local demo: it answers `status` to every POST and records what came,
 * so the demo stack's subscription gets validated and later events can be looked at.
 */
export interface SimWebhook {
  /** What the receiver answers; 200 unless a test makes it refuse (`PUT /__admin/webhooks/{name}`). */
  status: number;
  received: SimWebhookReceipt[];
}

export interface SimWebhookReceipt {
  receivedAt: string;
  /** The cloud event as posted (parsed JSON, or the text when it was not JSON). */
  body: unknown;
  /** The status the receiver answered. */
  status: number;
}

export const DEMO_ORG = "digdir";
export const DEMO_ORGNR = "991825827";
export const DEMO_CLIENT_ID = "altinn-iac-local-provisioner";
/** The demo org's Digdir self-service admin client: signs with the demo business certificate. */
export const DEMO_SELF_SERVICE_CLIENT_ID = "altinn-iac-local-selfservice";

/** The scopes of a self-service admin client (felleslosninger docs, oidc_api_admin). */
export const SELF_SERVICE_SCOPES = [
  "idporten:dcr.read",
  "idporten:dcr.write",
  "idporten:dcr.modify",
];

/** Every scope the provisioning client of the demo org holds. */
export const PROVISIONER_SCOPES = [
  "altinn:serviceowner",
  "altinn:resourceregistry/resource.write",
  "altinn:resourceregistry/accesslist.write",
  "altinn:events.subscribe",
  "altinn:correspondence.write",
  "altinn:correspondence.read",
];

const SEED_ORGS: Record<string, SimOrg> = {
  digdir: {
    orgnr: "991825827",
    name: {
      nb: "Digitaliseringsdirektoratet",
      nn: "Digitaliseringsdirektoratet",
      en: "Norwegian Digitalisation Agency",
    },
    homepage: "https://www.digdir.no",
    environments: ["tt02", "production"],
  },
  brg: {
    orgnr: "974760673",
    name: {
      nb: "Brønnøysundregistrene",
      nn: "Brønnøysundregistera",
      en: "The Brønnøysund Register Centre",
    },
    homepage: "https://www.brreg.no",
    environments: ["tt02", "production"],
  },
  skd: {
    orgnr: "974761076",
    name: { nb: "Skatteetaten", nn: "Skatteetaten", en: "The Norwegian Tax Administration" },
    homepage: "https://www.skatteetaten.no",
    environments: ["tt02", "production"],
  },
  ttd: {
    orgnr: "",
    name: { nb: "Testdepartementet", nn: "Testdepartementet", en: "Test Ministry" },
    homepage: "https://www.altinn.no",
    environments: ["tt02", "at22", "at23", "at24", "yt01"],
  },
};

export function demoPublicJwk(): SimJwk {
  return JSON.parse(
    readFileSync(join(__dirname, "demo", "demo-provisioner.jwk.json"), "utf8"),
  ) as SimJwk;
}

/**
 * The public key and x5c of the fake business certificate of the demo org
 * (demo/demo-business-certificate.pem: the certificate, then its fake CA).
 */
export function demoBusinessCertificate(): SimJwk {
  const pem = readFileSync(join(__dirname, "demo", "demo-business-certificate.pem"), "utf8");
  const chain = [
    ...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g),
  ].map((m) => m[1]!.replace(/\s+/g, ""));
  const certificate = new X509Certificate(Buffer.from(chain[0]!, "base64"));
  const jwk = certificate.publicKey.export({ format: "jwk" });
  return {
    kid: "altinn-iac-local-demo-business-certificate",
    kty: "RSA",
    n: String(jwk.n),
    e: String(jwk.e),
    x5c: chain,
  };
}

export function initialState(now: Date = new Date()): SimState {
  const at = now.toISOString();
  const state: SimState = {
    orgs: structuredClone(SEED_ORGS),
    clients: {},
    businessCertificates: {},
    scopeGrants: [],
    resources: {},
    policies: {},
    accessLists: {},
    accessListRaces: {},
    subscriptions: {},
    nextSubscriptionId: 1,
    events: [],
    deliveries: [],
    correspondences: {},
    parties: structuredClone(TEST_PARTIES),
    webhooks: {},
    usedJtis: {},
    clockOffsetMs: 0,
  };
  state.clients[DEMO_CLIENT_ID] = {
    client_id: DEMO_CLIENT_ID,
    client_name: "altinn-iac local provisioner",
    description: "Provisioning client of the local demo stack",
    integration_type: "maskinporten",
    application_type: "web",
    token_endpoint_auth_method: "private_key_jwt",
    grant_types: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
    scopes: [...PROVISIONER_SCOPES],
    client_orgno: DEMO_ORGNR,
    created: at,
    last_updated: at,
    active: true,
    jwks: [demoPublicJwk()],
  };
  grantScopes(state, DEMO_ORGNR, PROVISIONER_SCOPES, at);
  state.businessCertificates[DEMO_ORGNR] = [demoBusinessCertificate()];
  state.clients[DEMO_SELF_SERVICE_CLIENT_ID] = {
    client_id: DEMO_SELF_SERVICE_CLIENT_ID,
    client_name: "altinn-iac local self-service admin",
    description: "Digdir self-service admin client of the local demo stack",
    integration_type: "maskinporten",
    application_type: "web",
    token_endpoint_auth_method: "private_key_jwt",
    grant_types: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
    scopes: [...SELF_SERVICE_SCOPES],
    client_orgno: DEMO_ORGNR,
    created: at,
    last_updated: at,
    active: true,
    jwks: [],
    certificate_auth: true,
  };
  // Digdir owns the idporten:* scopes and grants them to the org with the admin client.
  grantScopes(state, DEMO_ORGNR, SELF_SERVICE_SCOPES, at);
  return state;
}

export function grantScopes(
  state: SimState,
  orgnr: string,
  scopes: readonly string[],
  at: string,
): void {
  for (const scope of scopes) {
    const existing = state.scopeGrants.find((g) => g.scope === scope && g.consumer_orgno === orgnr);
    if (existing) {
      existing.state = "APPROVED";
      existing.last_updated = at;
      continue;
    }
    state.scopeGrants.push({
      scope,
      consumer_orgno: orgnr,
      // Altinn (Digdir's org number) owns the altinn:* scopes.
      owner_orgno: "991825827",
      state: "APPROVED",
      created: at,
      last_updated: at,
    });
  }
}

export function orgCodeOf(state: SimState, orgnr: string): string | undefined {
  return Object.entries(state.orgs).find(([, org]) => org.orgnr === orgnr && orgnr !== "")?.[0];
}

export function currentResource(state: SimState, id: string): ServiceResourceDoc | undefined {
  const stored = findResource(state, id);
  return stored?.versions[stored.versions.length - 1];
}

/** Resource ids compare case-insensitively, as the registry's database does. */
export function findResource(state: SimState, id: string): StoredResource | undefined {
  const key = Object.keys(state.resources).find((k) => k.toLowerCase() === id.toLowerCase());
  return key === undefined ? undefined : state.resources[key];
}
