/**
 * The records of the simulator's in-memory world. Plain JSON-able records, so the whole state can
 * be persisted to a file (the demo keeps its objects between runs) and inspected by tests through
 * the admin API. Route modules import these types; state.ts seeds the world.
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

/** A cloud event as Altinn Events stores and pushes it. */
export interface CloudEvent {
  id: string;
  source: string;
  specversion: "1.0";
  type: string;
  time: string;
  resource: string;
  resourceinstance?: string;
  subject?: string;
  alternativesubject?: string;
}

/** One push of an event to a subscription's endpoint. */
export interface DeliveryRecord {
  subscriptionId: number;
  eventId: string;
  endPoint: string;
  /** The endpoint's status; 0 when it could not be reached. */
  status: number;
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
