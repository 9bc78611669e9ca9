import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type {
  ServiceResourceDoc,
  SimJwk,
  SimOrg,
  SimParty,
  SimState,
  StoredResource,
} from "./state-types";

/**
 * The simulator's seeded world (the demo org, its clients and keys, the test parties) and lookups
 * in it. The record types live in state-types.ts; they are re-exported here for the tests and
 * tools that read a simulator's state.
 */
export type * from "./state-types";

/** Synthetic test organisations (Tenor-style), the recipients a verification may send to. */
const TEST_PARTIES: Record<string, SimParty> = {
  "310654321": { partyId: 51000001, name: "SYNTETISK MOTTAKER AS", type: "organization" },
  "311987654": { partyId: 51000002, name: "TESTBEDRIFT MELDING AS", type: "organization" },
};

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
function demoBusinessCertificate(): SimJwk {
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
