import { createPublicKey, randomBytes, randomUUID } from "node:crypto";
import type { JWTPayload } from "jose";
import { empty, json, readJson, type SimRequest, type SimResponse } from "../router";
import type { RouteModule, SimContext } from "../server";
import type { SimClient, SimJwk } from "../state";
import { bearer, consumerOrgnr, scopesOf, verifyJwt } from "../tokens";

/**
 * Digdir's self-service API (docs/altinn-apis.md section 6) under `/selfservice` with the
 * `/api/v1` prefix digdirator and Oslo kommune use, and without it as Digdir's docs show it.
 * Clients live in `state.clients`, the table the Maskinporten token endpoint reads, so a key
 * registered here gets tokens at once, and a removed or expired one does not.
 *
 * | call                              | scope                       | answer                          |
 * |-----------------------------------|-----------------------------|---------------------------------|
 * | GET /clients, /clients/{id}       | idporten:dcr.read           | 200 list / model, 404           |
 * | POST /clients                     | idporten:dcr.write          | 200 model with a new client_id  |
 * | PUT, DELETE /clients/{id}         | dcr.modify (or dcr.write)   | 200 model / 200 empty, 404      |
 * | GET /clients/{id}/jwks            | idporten:dcr.read           | 200 {keys, created, last_updated} |
 * | POST, PUT /clients/{id}/jwks      | dcr.write (or dcr.modify)   | 200 the stored set              |
 * | DELETE /clients/{id}/jwks         | dcr.write (or dcr.modify)   | 200 empty                       |
 * | GET /scopes/access/all            | idporten:dcr.read           | 200 the org's scope grants      |
 *
 * Known from the sources: the client model, that JWKS writes replace the whole set of at most 5
 * RSA keys (RS256, `use: sig` required since May 2025, `kid` unique across all customers), keys
 * expire one year after they are posted, an empty set is removed with DELETE, clients are bound to
 * the token's org, and the error body (Oslo kommune's fixture: `errors[]` plus `error` and
 * `error_description` joined as ", m1, m2"). Chosen where the sources are silent, and written down
 * here: 200 on create and delete (Digdir's diagram, digdirator's fake); 404 for a client of another
 * org; dcr.write accepted for changes, deletes and key writes (nais/digdirator does all of them
 * with a dcr.write + dcr.read token: pkg/config/config.go, pkg/digdir/client.go), dcr.modify for
 * them as the docs' "endre" (change) reads (oidc_api_admin.md; not confirmable for DELETE/JWKS);
 * the exact message texts; RSA keys of exactly 2048 bits (felleslosninger/docs
 * _docs/idporten/oidc/oidc_api_admin.md: "Kun RS256 med nøkkellenge 2048 støttes");
 * a kid re-posted with the same key keeps its `exp` (a re-post is not documented to renew a key, so
 * renewal is a new key); a scope not APPROVED for the org is refused on the client (digdirator
 * filters them out before writing); kid-signed admin tokens are accepted besides x5c ones.
 */
const PREFIXES = ["/selfservice/api/v1", "/selfservice"];

const READ = ["idporten:dcr.read"];
const CREATE = ["idporten:dcr.write"];
const MODIFY = ["idporten:dcr.modify", "idporten:dcr.write"];

const INTEGRATION_TYPES = [
  "maskinporten",
  "idporten",
  "api_klient",
  "krr",
  "ansattporten",
  "eformidling",
];
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const MAX_KEYS = 5;
const MODULUS_BITS = 2048;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi"];
/** Model fields the simulator keeps in typed fields; anything else is stored in `extra`. */
const MODEL_FIELDS = new Set([
  "client_id",
  "client_name",
  "description",
  "integration_type",
  "application_type",
  "token_endpoint_auth_method",
  "grant_types",
  "scopes",
  "access_token_lifetime",
  "client_orgno",
  "created",
  "last_updated",
  "active",
]);

export const selfServiceRoutes: RouteModule = (router, ctx) => {
  for (const prefix of PREFIXES) {
    router.on("GET", `${prefix}/clients`, (req) =>
      withOrg(ctx, req, READ, (org) => json(200, ownClients(ctx, org).map(present))),
    );
    router.on("POST", `${prefix}/clients`, (req) =>
      withOrg(ctx, req, CREATE, (org) => createClient(ctx, req, org)),
    );
    router.on("GET", `${prefix}/clients/{id}`, (req) =>
      withClient(ctx, req, READ, (client) => json(200, present(client))),
    );
    router.on("PUT", `${prefix}/clients/{id}`, (req) =>
      withClient(ctx, req, MODIFY, (client) => updateClient(ctx, req, client)),
    );
    router.on("DELETE", `${prefix}/clients/{id}`, (req) =>
      withClient(ctx, req, MODIFY, (client) => {
        delete ctx.state.clients[client.client_id];
        ctx.changed();
        return empty(200);
      }),
    );
    router.on("GET", `${prefix}/clients/{id}/jwks`, (req) =>
      withClient(ctx, req, READ, (client) => json(200, presentJwks(client))),
    );
    for (const method of ["POST", "PUT"]) {
      router.on(method, `${prefix}/clients/{id}/jwks`, (req) =>
        withClient(ctx, req, MODIFY, (client) => registerJwks(ctx, req, client)),
      );
    }
    router.on("DELETE", `${prefix}/clients/{id}/jwks`, (req) =>
      withClient(ctx, req, MODIFY, (client) => {
        client.jwks = [];
        client.jwks_last_updated = new Date(ctx.nowMs()).toISOString();
        ctx.changed();
        return empty(200);
      }),
    );
    // An org without any grant gets an error saying so, not an empty list (issue 17, seen on
    // tt02; the status and exact words are not in any source read: docs/fidelity.md).
    router.on("GET", `${prefix}/scopes/access/all`, (req) =>
      withOrg(ctx, req, READ, (org) => {
        const grants = ctx.state.scopeGrants.filter((g) => g.consumer_orgno === org);
        // The admin client's own idporten:* grants (the simulator's stand-in for Digdir's) do not count.
        if (grants.every((g) => g.scope.startsWith("idporten:"))) {
          return problem(
            ctx,
            400,
            [{ message: `Consumer ${org} does not have any scope access` }],
            "ScopeAccess",
          );
        }
        return json(
          200,
          grants.map((g) => ({
            scope: g.scope,
            state: g.state,
            consumer_orgno: g.consumer_orgno,
            owner_orgno: g.owner_orgno,
            created: g.created,
            last_updated: g.last_updated,
          })),
        );
      }),
    );
  }
};

/**
 * A raw Maskinporten token (401 without a valid one, as a bearer-token resource server answers),
 * holding one of `scopes` (403 insufficient_scope), whose `consumer` is the org the call acts for.
 */
async function withOrg(
  ctx: SimContext,
  req: SimRequest,
  scopes: string[],
  handler: (orgnr: string, claims: JWTPayload) => SimResponse | Promise<SimResponse>,
): Promise<SimResponse> {
  const token = bearer(req.headers);
  if (!token) return empty(401, { "www-authenticate": "Bearer" });
  const claims = await verifyJwt(
    token,
    ctx.keys.maskinporten,
    ctx.maskinportenIssuer(req.origin),
    ctx.nowSeconds(),
  );
  const orgnr = claims ? consumerOrgnr(claims) : undefined;
  if (!claims || !orgnr) {
    return empty(401, { "www-authenticate": 'Bearer error="invalid_token"' });
  }
  if (!scopesOf(claims).some((s) => scopes.includes(s))) {
    return empty(403, {
      "www-authenticate": `Bearer error="insufficient_scope", scope="${scopes.join(" ")}"`,
    });
  }
  return handler(orgnr, claims);
}

async function withClient(
  ctx: SimContext,
  req: SimRequest,
  scopes: string[],
  handler: (client: SimClient, orgnr: string) => SimResponse | Promise<SimResponse>,
): Promise<SimResponse> {
  return withOrg(ctx, req, scopes, (orgnr) => {
    const client = ctx.state.clients[req.params.id!];
    // Another org's client is answered as unknown: the API never shows it to this token.
    if (!client || client.client_orgno !== orgnr) {
      return problem(ctx, 404, [{ message: `Client ${req.params.id} not found` }]);
    }
    return handler(client, orgnr);
  });
}

function ownClients(ctx: SimContext, orgnr: string): SimClient[] {
  return Object.values(ctx.state.clients).filter((c) => c.client_orgno === orgnr);
}

interface Problem {
  field?: string;
  message: string;
}

/** The API's error body; see the header comment. */
function problem(
  ctx: SimContext,
  status: number,
  problems: Problem[],
  objectName = "Client",
): SimResponse {
  const joined = problems.map((p) => `, ${p.message}`).join("");
  return json(
    status,
    {
      status,
      timestamp: new Date(ctx.nowMs()).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z"),
      correlation_id: randomBytes(16).toString("hex"),
      errors: problems.map((p) => ({
        errorMessage: p.message,
        isFieldError: p.field !== undefined,
        objectName,
        ...(p.field !== undefined ? { fieldIdentifier: p.field } : {}),
      })),
      error: joined,
      error_description: joined,
    },
    { "content-type": "application/json;charset=UTF-8" },
  );
}

function readBodyObject(req: SimRequest): Record<string, unknown> | undefined {
  try {
    const body = readJson(req);
    return body && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function createClient(ctx: SimContext, req: SimRequest, orgnr: string): SimResponse {
  const body = readBodyObject(req);
  if (!body) return problem(ctx, 400, [{ message: "The request body must be a client (JSON)" }]);
  const problems = validateClient(ctx, body, orgnr, undefined);
  if (problems.length > 0) return problem(ctx, 400, problems);
  const at = new Date(ctx.nowMs()).toISOString();
  const client: SimClient = {
    ...fromBody(body),
    client_id: randomUUID(),
    client_orgno: orgnr,
    created: at,
    last_updated: at,
    active: true,
    jwks: [],
  };
  ctx.state.clients[client.client_id] = client;
  ctx.changed();
  return json(200, present(client));
}

function updateClient(ctx: SimContext, req: SimRequest, client: SimClient): SimResponse {
  const body = readBodyObject(req);
  if (!body) return problem(ctx, 400, [{ message: "The request body must be a client (JSON)" }]);
  const problems = validateClient(ctx, body, client.client_orgno, client);
  if (problems.length > 0) return problem(ctx, 400, problems);
  // PUT replaces the model; the id, owner, dates and keys stay the server's.
  const updated: SimClient = {
    ...fromBody(body),
    client_id: client.client_id,
    client_orgno: client.client_orgno,
    created: client.created,
    last_updated: new Date(ctx.nowMs()).toISOString(),
    active: client.active,
    jwks: client.jwks,
    ...(client.jwks_created ? { jwks_created: client.jwks_created } : {}),
    ...(client.jwks_last_updated ? { jwks_last_updated: client.jwks_last_updated } : {}),
    ...(client.certificate_auth ? { certificate_auth: true } : {}),
  };
  ctx.state.clients[client.client_id] = updated;
  ctx.changed();
  return json(200, present(updated));
}

type ClientFields = Pick<
  SimClient,
  | "client_name"
  | "description"
  | "integration_type"
  | "application_type"
  | "token_endpoint_auth_method"
  | "grant_types"
  | "scopes"
  | "access_token_lifetime"
  | "extra"
>;

function fromBody(body: Record<string, unknown>): ClientFields {
  const extra = Object.fromEntries(Object.entries(body).filter(([k]) => !MODEL_FIELDS.has(k)));
  return {
    client_name: String(body.client_name),
    description: typeof body.description === "string" ? body.description : "",
    integration_type: String(body.integration_type),
    application_type: typeof body.application_type === "string" ? body.application_type : "web",
    token_endpoint_auth_method: String(body.token_endpoint_auth_method ?? "private_key_jwt"),
    grant_types: Array.isArray(body.grant_types) ? body.grant_types.map(String) : [],
    scopes: Array.isArray(body.scopes) ? body.scopes.map(String) : [],
    ...(typeof body.access_token_lifetime === "number"
      ? { access_token_lifetime: body.access_token_lifetime }
      : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

function validateClient(
  ctx: SimContext,
  body: Record<string, unknown>,
  orgnr: string,
  existing: SimClient | undefined,
): Problem[] {
  const problems: Problem[] = [];
  if (typeof body.client_name !== "string" || body.client_name.trim() === "") {
    problems.push({ field: "client_name", message: "client_name must not be blank" });
  }
  if (body.description !== undefined && typeof body.description !== "string") {
    problems.push({ field: "description", message: "description must be a string" });
  }
  const type = body.integration_type;
  if (typeof type !== "string" || !INTEGRATION_TYPES.includes(type)) {
    problems.push({
      field: "integration_type",
      message: `integration_type must be one of ${INTEGRATION_TYPES.join(", ")}`,
    });
  } else if (existing && existing.integration_type !== type) {
    problems.push({
      field: "integration_type",
      message: `integration_type cannot be changed on an existing client (it is ${existing.integration_type})`,
    });
  }
  const scopes = body.scopes ?? [];
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== "string")) {
    problems.push({ field: "scopes", message: "scopes must be a list of strings" });
  }
  const lifetime = body.access_token_lifetime;
  if (
    lifetime !== undefined &&
    lifetime !== null &&
    !(typeof lifetime === "number" && Number.isInteger(lifetime) && lifetime >= 0)
  ) {
    problems.push({
      field: "access_token_lifetime",
      message: "access_token_lifetime must be a whole number of seconds",
    });
  }
  if (type === "maskinporten") {
    if (body.token_endpoint_auth_method !== "private_key_jwt") {
      problems.push({
        field: "token_endpoint_auth_method",
        message:
          "token_endpoint_auth_method must be private_key_jwt for integration_type maskinporten",
      });
    }
    const grants = body.grant_types;
    if (!Array.isArray(grants) || grants.length !== 1 || grants[0] !== JWT_BEARER) {
      problems.push({
        field: "grant_types",
        message: `grant_types must be [${JWT_BEARER}] for integration_type maskinporten`,
      });
    }
    if (body.application_type !== undefined && body.application_type !== "web") {
      problems.push({
        field: "application_type",
        message: "application_type must be web for integration_type maskinporten",
      });
    }
    if (Array.isArray(scopes)) {
      for (const scope of scopes.map(String)) {
        const granted = ctx.state.scopeGrants.some(
          (g) => g.scope === scope && g.consumer_orgno === orgnr && g.state === "APPROVED",
        );
        if (!granted) {
          problems.push({
            field: "scopes",
            message: `Organisation ${orgnr} has not been granted access to the scope ${scope}`,
          });
        }
      }
    }
  }
  return problems;
}

/** The model as the API returns it: what was stored, never the keys or simulator-only fields. */
function present(client: SimClient): Record<string, unknown> {
  return {
    client_id: client.client_id,
    client_name: client.client_name,
    description: client.description,
    integration_type: client.integration_type,
    application_type: client.application_type,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    grant_types: client.grant_types,
    scopes: client.scopes,
    ...(client.access_token_lifetime !== undefined
      ? { access_token_lifetime: client.access_token_lifetime }
      : {}),
    client_orgno: client.client_orgno,
    created: client.created,
    last_updated: client.last_updated,
    active: client.active,
    ...client.extra,
  };
}

function presentJwks(client: SimClient): Record<string, unknown> {
  return {
    keys: client.jwks.map((k) => ({
      kty: k.kty,
      kid: k.kid,
      ...(k.alg !== undefined ? { alg: k.alg } : {}),
      ...(k.use !== undefined ? { use: k.use } : {}),
      n: k.n,
      e: k.e,
      ...(k.exp !== undefined ? { exp: k.exp } : {}),
      ...(k.x5c !== undefined ? { x5c: k.x5c } : {}),
    })),
    ...(client.jwks_created ? { created: client.jwks_created } : {}),
    ...(client.jwks_last_updated ? { last_updated: client.jwks_last_updated } : {}),
  };
}

function registerJwks(ctx: SimContext, req: SimRequest, client: SimClient): SimResponse {
  const body = readBodyObject(req);
  if (!body || !Array.isArray(body.keys)) {
    return problem(
      ctx,
      400,
      [{ message: 'The request body must be a JWK set: {"keys": [...]}' }],
      "JWKS",
    );
  }
  const keys = body.keys as unknown[];
  const problems: Problem[] = [];
  if (keys.length === 0) {
    problems.push({
      field: "keys",
      message:
        "keys must hold at least one key; remove every key with DELETE /clients/{client_id}/jwks",
    });
  }
  if (keys.length > MAX_KEYS) {
    problems.push({
      field: "keys",
      message: `A JWKS can hold at most ${MAX_KEYS} keys, got ${keys.length}`,
    });
  }
  const seen = new Set<string>();
  keys.forEach((raw, index) => {
    problems.push(...validateKey(ctx, raw, index, client, seen));
  });
  if (problems.length > 0) return problem(ctx, 400, problems, "JWKS");

  const now = ctx.nowMs();
  const at = new Date(now).toISOString();
  client.jwks = (keys as Array<Record<string, unknown>>).map((key) => {
    const kid = String(key.kid);
    const n = String(key.n);
    // A key keeps the expiry it got when first posted; a new key lives one year from now.
    const kept = client.jwks.find((k) => k.kid === kid && k.n === n);
    return {
      kid,
      kty: "RSA",
      alg: "RS256",
      use: "sig",
      n,
      e: String(key.e),
      exp: kept?.exp ?? oneYearAfter(now),
      ...(Array.isArray(key.x5c) ? { x5c: key.x5c.map(String) } : {}),
    } satisfies SimJwk;
  });
  client.jwks_created ??= at;
  client.jwks_last_updated = at;
  ctx.changed();
  return json(200, presentJwks(client));
}

function oneYearAfter(ms: number): number {
  const date = new Date(ms);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return Math.floor(date.getTime() / 1000);
}

function validateKey(
  ctx: SimContext,
  raw: unknown,
  index: number,
  client: SimClient,
  seen: Set<string>,
): Problem[] {
  const at = `keys[${index}]`;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    return [{ field: at, message: `${at} must be a JWK object` }];
  }
  const key = raw as Record<string, unknown>;
  const problems: Problem[] = [];
  const privateMembers = PRIVATE_MEMBERS.filter((m) => key[m] !== undefined);
  if (privateMembers.length > 0) {
    problems.push({
      field: at,
      message: `${at} contains private key material (${privateMembers.join(", ")}): send only the public key`,
    });
  }
  if (key.kty !== "RSA") problems.push({ field: `${at}.kty`, message: `${at}.kty must be RSA` });
  if (key.alg !== "RS256") {
    problems.push({ field: `${at}.alg`, message: `${at}.alg must be RS256` });
  }
  if (key.use !== "sig") problems.push({ field: `${at}.use`, message: `${at}.use must be sig` });
  const kid = typeof key.kid === "string" ? key.kid.trim() : "";
  if (kid === "") {
    problems.push({ field: `${at}.kid`, message: `${at}.kid is required` });
  } else if (seen.has(kid)) {
    problems.push({ field: `${at}.kid`, message: `kid ${kid} occurs more than once in the set` });
  } else {
    seen.add(kid);
    const elsewhere = Object.values(ctx.state.clients).some(
      (c) => c.client_id !== client.client_id && c.jwks.some((k) => k.kid === kid),
    );
    if (elsewhere) {
      problems.push({
        field: `${at}.kid`,
        message: `kid ${kid} is already in use: a kid must be unique across all Maskinporten clients`,
      });
    }
  }
  if (typeof key.n !== "string" || typeof key.e !== "string") {
    problems.push({ field: at, message: `${at}.n and ${at}.e are required` });
  } else if (key.kty === "RSA") {
    try {
      const bits = createPublicKey({ key: { kty: "RSA", n: key.n, e: key.e }, format: "jwk" })
        .asymmetricKeyDetails?.modulusLength;
      if (bits !== MODULUS_BITS) {
        problems.push({
          field: at,
          message: `${at} is a ${bits}-bit RSA key: only ${MODULUS_BITS}-bit keys are supported`,
        });
      }
    } catch {
      problems.push({ field: at, message: `${at} is not a valid RSA public key` });
    }
  }
  return problems;
}
