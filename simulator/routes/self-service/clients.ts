import { randomUUID } from "node:crypto";
import type { SimContext } from "../../context";
import { json } from "../../http/replies";
import type { SimRequest, SimResponse } from "../../http/router";
import type { SimClient } from "../../state-types";
import { problem, readBodyObject, type Problem } from "./access";

/** Clients: the model as stored and returned, and the checks on a create or change. */
const INTEGRATION_TYPES = [
  "maskinporten",
  "idporten",
  "api_klient",
  "krr",
  "ansattporten",
  "eformidling",
];
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
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

export function ownClients(ctx: SimContext, orgnr: string): SimClient[] {
  return Object.values(ctx.state.clients).filter((c) => c.client_orgno === orgnr);
}

export function createClient(ctx: SimContext, req: SimRequest, orgnr: string): SimResponse {
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

export function updateClient(ctx: SimContext, req: SimRequest, client: SimClient): SimResponse {
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
export function present(client: SimClient): Record<string, unknown> {
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
