import { clientLifecycle } from "../../providers/maskinporten-client/lifecycle";
import {
  changedClientFields,
  holdsDeclared,
  toClientRegistration,
} from "../../providers/maskinporten-client/mapping";

/** The client's mapping to the self-service model and the comparison diff and adoption use. */

const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const declared = {
  clientName: "melding sender",
  description: "Sends Altinn messages",
  scopes: ["altinn:serviceowner", "altinn:correspondence.write"],
  integrationType: "maskinporten" as const,
  applicationType: "web" as const,
  tokenEndpointAuthMethod: "private_key_jwt" as const,
  grantTypes: [JWT_BEARER] as [typeof JWT_BEARER],
};
const registration = {
  client_name: "melding sender",
  description: "Sends Altinn messages",
  integration_type: "maskinporten",
  application_type: "web",
  token_endpoint_auth_method: "private_key_jwt",
  grant_types: [JWT_BEARER],
  scopes: ["altinn:serviceowner", "altinn:correspondence.write"],
};

describe("MaskinportenClient mapping", () => {
  it("sends the declared fields in the API's names, the token lifetime only when set", () => {
    expect(toClientRegistration(declared)).toStrictEqual(registration);
    expect(toClientRegistration({ ...declared, accessTokenLifetime: 120 })).toStrictEqual({
      ...registration,
      access_token_lifetime: 120,
    });
  });

  it("holds the declared fields whatever the order of scopes and the server's own fields", () => {
    const live = {
      ...registration,
      scopes: [...registration.scopes].reverse(),
      client_id: "id-1",
      client_orgno: "991825827",
      created: "2027-01-01T00:00:00Z",
      access_token_lifetime: 120,
    };
    expect(holdsDeclared(live, declared)).toBe(true);
    expect(holdsDeclared({ ...live, description: "edited" }, declared)).toBe(false);
    expect(holdsDeclared(live, { ...declared, accessTokenLifetime: 60 })).toBe(false);
  });

  it("names the changed client fields, never the adopted clientId", () => {
    expect(
      changedClientFields(declared, {
        ...declared,
        scopes: ["altinn:serviceowner"],
        clientId: "x",
      }),
    ).toStrictEqual(["scopes"]);
  });

  it("keeps only the managed fields of the engine's props", () => {
    expect(
      clientLifecycle.managedInputs({
        ...declared,
        __provider: "p",
        clientOrgno: "991825827",
        adopting: "x",
      }),
    ).toStrictEqual(declared);
  });
});
