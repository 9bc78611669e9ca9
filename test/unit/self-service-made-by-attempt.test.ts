import {
  CLOCK_TOLERANCE_MS,
  madeByAttempt,
  type ClientRegistration,
} from "../../providers/api/self-service";

/**
 * Which listed clients a create may have made: the same name, description and type, created no
 * earlier than the attempt began less the clock tolerance.
 */

const identity = {
  client_name: "melding sender",
  description: "Sends Altinn messages",
  integration_type: "maskinporten",
};
const attemptedAt = "2026-12-01T10:00:00.000Z";
const attemptMs = Date.parse(attemptedAt);

function client(id: string, fields: Partial<ClientRegistration>): ClientRegistration {
  return {
    client_id: id,
    ...identity,
    application_type: "web",
    token_endpoint_auth_method: "private_key_jwt",
    grant_types: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
    scopes: [],
    ...fields,
  };
}

describe("madeByAttempt", () => {
  it("counts the same-named clients created since the attempt began, Digdir's clock a little behind ours", () => {
    const clients = [
      client("at-the-attempt", { created: attemptedAt }),
      // Oslo time, as the API writes it: 11:00:30+01:00 is 10:00:30Z.
      client("after, in Oslo time", { created: "2026-12-01T11:00:30.120+01:00" }),
      client("within the tolerance", {
        created: new Date(attemptMs - CLOCK_TOLERANCE_MS).toISOString(),
      }),
      client("before the tolerance", {
        created: new Date(attemptMs - CLOCK_TOLERANCE_MS - 1).toISOString(),
      }),
      client("a day before", { created: "2026-11-30T10:00:00.000Z" }),
      client("no created", {}),
      client("other name", { client_name: "melding reader", created: attemptedAt }),
      client("other description", { description: "Reads", created: attemptedAt }),
      client("other type", { integration_type: "idporten", created: attemptedAt }),
    ];
    expect(madeByAttempt(clients, identity, attemptedAt).map((c) => c.client_id)).toStrictEqual([
      "at-the-attempt",
      "after, in Oslo time",
      "within the tolerance",
    ]);
  });
});
