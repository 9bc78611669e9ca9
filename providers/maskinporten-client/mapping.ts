import type { ClientRegistration } from "../api/self-service";
import { jsonEqual } from "../lib/check";
import { clientLifecycle } from "./lifecycle";
import type { MaskinportenClientInputs, MaskinportenClientOutputs } from "./schema";

/** Inputs to the API model. */
export function toClientRegistration(inputs: MaskinportenClientInputs): ClientRegistration {
  return {
    client_name: inputs.clientName,
    description: inputs.description,
    integration_type: inputs.integrationType,
    application_type: inputs.applicationType,
    token_endpoint_auth_method: inputs.tokenEndpointAuthMethod,
    grant_types: [...inputs.grantTypes],
    scopes: [...inputs.scopes],
    ...(inputs.accessTokenLifetime !== undefined
      ? { access_token_lifetime: inputs.accessTokenLifetime }
      : {}),
  };
}

/**
 * A live client projected on the fields this resource manages, so refresh compares like with
 * like: the server's own fields (dates, client_orgno) are no drift, and a token lifetime the user
 * did not set is the server's default, not ours.
 */
export function fromClientRegistration(
  live: ClientRegistration,
  managed: Partial<MaskinportenClientInputs>,
): MaskinportenClientInputs {
  return {
    clientName: live.client_name,
    description: live.description,
    scopes: [...(live.scopes ?? [])],
    integrationType: live.integration_type as "maskinporten",
    applicationType: live.application_type as "web",
    tokenEndpointAuthMethod: live.token_endpoint_auth_method as "private_key_jwt",
    grantTypes: [...(live.grant_types ?? [])] as MaskinportenClientInputs["grantTypes"],
    ...(managed.accessTokenLifetime !== undefined && live.access_token_lifetime !== undefined
      ? { accessTokenLifetime: live.access_token_lifetime }
      : {}),
  };
}

/** Fields compared by diff, normalized: the order of scopes carries no meaning. */
function normalized(
  inputs: Partial<MaskinportenClientInputs>,
  field: keyof MaskinportenClientInputs,
): unknown {
  const value = inputs[field];
  return field === "scopes" && Array.isArray(value) ? [...value].sort() : value;
}

/** The client fields whose normalized values differ. */
export function changedClientFields(
  before: Partial<MaskinportenClientInputs>,
  after: Partial<MaskinportenClientInputs>,
): Array<keyof MaskinportenClientInputs> {
  return clientLifecycle.compared.filter(
    (f) => !jsonEqual(normalized(before, f), normalized(after, f)),
  );
}

/** Whether the live client already holds every declared field. */
export function holdsDeclared(
  live: ClientRegistration,
  declared: MaskinportenClientInputs,
): boolean {
  return changedClientFields(fromClientRegistration(live, declared), declared).length === 0;
}

export function outputsOf(
  inputs: MaskinportenClientInputs,
  live: ClientRegistration,
): MaskinportenClientOutputs {
  return {
    ...inputs,
    clientId: String(live.client_id),
    clientOrgno: String(live.client_orgno ?? ""),
  };
}
