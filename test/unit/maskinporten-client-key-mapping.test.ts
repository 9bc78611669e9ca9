import {
  currentKeyOf,
  outputsOf,
  overlapOf,
  recordOf,
  refreshedOutputs,
} from "../../providers/maskinporten-client-key/mapping";
import { keySetDrifted, noRoomError } from "../../providers/maskinporten-client-key/rules";

/** The key set's pure mapping and rules: expiry from the live set, the overlap, room and drift. */

const NOW = Date.parse("2027-01-01T00:00:00Z");
const EXP = Date.parse("2027-06-01T00:00:00Z") / 1000;
const jwk = (kid: string) => ({
  kty: "RSA",
  kid,
  alg: "RS256",
  use: "sig",
  n: `n-${kid}`,
  e: "AQAB",
});
const inputs = { clientId: "client-1", rotation: 0, renewBeforeDays: 30 };

describe("MaskinportenClientKey mapping", () => {
  it("remembers a registered key without the server's exp, as its expiry date", () => {
    expect(recordOf({ ...jwk("a"), exp: EXP })).toStrictEqual({
      kid: "a",
      expiresAt: "2027-06-01T00:00:00.000Z",
      publicJwk: jwk("a"),
    });
    expect(recordOf(jwk("b"))).toStrictEqual({ kid: "b", publicJwk: jwk("b") });
  });

  it("takes the expiry of the current and previous keys from the live set", () => {
    const outs = outputsOf(
      inputs,
      { publicJwk: jwk("new"), privateKeyPem: "pem", privateJwk: "{}" },
      [{ kid: "old", expiresAt: "2027-02-01T00:00:00.000Z", publicJwk: jwk("old") }],
      { keys: [{ ...jwk("new"), exp: EXP }, jwk("old")] },
    );
    expect(outs).toStrictEqual({
      ...inputs,
      keyId: "new",
      keyExpiresAt: "2027-06-01T00:00:00.000Z",
      keyPublicJwk: jwk("new"),
      previousKeys: [{ kid: "old", expiresAt: "2027-02-01T00:00:00.000Z", publicJwk: jwk("old") }],
      previousKeyIds: ["old"],
      registeredKeyIds: ["new", "old"],
      privateKeyPem: "pem",
      privateJwk: "{}",
    });
  });

  it("refreshes expiry dates and the registered kids, keeping the rest of the state", () => {
    const state = {
      ...inputs,
      keyId: "a",
      keyExpiresAt: "2027-03-01T00:00:00.000Z",
      previousKeys: [{ kid: "b", publicJwk: jwk("b") }],
      privateKeyPem: "pem",
    };
    expect(
      refreshedOutputs(state, { keys: [jwk("a"), { ...jwk("b"), exp: EXP }, jwk("c")] }),
    ).toStrictEqual({
      ...state,
      previousKeys: [{ kid: "b", expiresAt: "2027-06-01T00:00:00.000Z", publicJwk: jwk("b") }],
      registeredKeyIds: ["a", "b", "c"],
    });
  });

  it("keeps the current key as the overlap of a new one unless it has expired", () => {
    const state = { keyPublicJwk: jwk("a"), keyExpiresAt: "2027-02-01T00:00:00.000Z" };
    expect(overlapOf(state, NOW)).toStrictEqual([
      { kid: "a", expiresAt: "2027-02-01T00:00:00.000Z", publicJwk: jwk("a") },
    ]);
    expect(overlapOf({ ...state, keyExpiresAt: "2026-12-01T00:00:00.000Z" }, NOW)).toStrictEqual(
      [],
    );
    expect(overlapOf({}, NOW)).toStrictEqual([]);
  });

  it("keeps the current key with its private key when nothing changes", () => {
    expect(currentKeyOf({ keyPublicJwk: jwk("a"), privateKeyPem: "pem" })).toStrictEqual({
      publicJwk: jwk("a"),
      privateKeyPem: "pem",
    });
    expect(currentKeyOf({})).toBeUndefined();
  });
});

describe("MaskinportenClientKey rules", () => {
  it("has room for a key below Digdir's five", () => {
    expect(noRoomError("c", ["1", "2", "3", "4"])).toBeUndefined();
    expect(noRoomError("c", ["1", "2", "3", "4", "5"])).toBe(
      "client c already has 5 keys (1, 2, 3, 4, 5), the most Digdir allows is 5: this resource adds a key and would make one too many. Remove a key from the client first (in Samarbeidsportalen, or in the stack that registered it), then run pulumi up again",
    );
  });

  it("sees drift when the client holds other kids than the current key and the overlap", () => {
    expect(keySetDrifted({ keyId: "a", previousKeyIds: ["b"], registeredKeyIds: ["b", "a"] })).toBe(
      false,
    );
    expect(keySetDrifted({ keyId: "a", previousKeyIds: [], registeredKeyIds: ["a", "x"] })).toBe(
      true,
    );
  });
});
