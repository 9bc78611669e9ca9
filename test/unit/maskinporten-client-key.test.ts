import {
  expectedKeyIds,
  keyChange,
  renewalDue,
  type MaskinportenClientKeyInputs,
  type MaskinportenClientKeyOutputs,
} from "../../providers/maskinporten-client-key";

const NOW = Date.parse("2027-01-01T00:00:00Z");
const DAY_MS = 86_400_000;
const jwk = (kid: string, n = "n1") =>
  ({ kty: "RSA", kid, alg: "RS256", use: "sig", n, e: "AQAB" }) as const;

const generated: MaskinportenClientKeyInputs = { clientId: "c", rotation: 0, renewBeforeDays: 30 };
const state = (overrides: Partial<MaskinportenClientKeyOutputs> = {}) => ({
  ...generated,
  keyId: "k1",
  keyExpiresAt: new Date(NOW + 100 * DAY_MS).toISOString(),
  keyPublicJwk: jwk("k1"),
  previousKeyIds: [],
  ...overrides,
});

describe("keyChange", () => {
  it.each([
    ["the first key", {}, generated, "first"],
    ["an unchanged generated key far from expiry", state(), generated, "none"],
    ["a bumped rotation", state(), { ...generated, rotation: 1 }, "rotation"],
    [
      "a key inside the renewal window",
      state({ keyExpiresAt: new Date(NOW + 30 * DAY_MS).toISOString() }),
      generated,
      "renewal",
    ],
    [
      "an expired key",
      state({ keyExpiresAt: new Date(NOW - DAY_MS).toISOString() }),
      generated,
      "renewal",
    ],
    ["a generated key after a brought one", state({ publicJwk: jwk("k1") }), generated, "rotation"],
    [
      "the same brought key",
      state({ publicJwk: jwk("k1") }),
      { ...generated, publicJwk: jwk("k1") },
      "none",
    ],
    [
      "a brought key with a new kid",
      state({ publicJwk: jwk("k1") }),
      { ...generated, publicJwk: jwk("k2") },
      "new-brought-key",
    ],
    [
      "a brought key with new material under the same kid",
      state({ publicJwk: jwk("k1") }),
      { ...generated, publicJwk: jwk("k1", "n2") },
      "new-brought-key",
    ],
    [
      "a brought key near expiry (the provider cannot renew it)",
      state({ publicJwk: jwk("k1"), keyExpiresAt: new Date(NOW + DAY_MS).toISOString() }),
      { ...generated, publicJwk: jwk("k1") },
      "none",
    ],
  ] as const)("returns the change due for %s", (_name, olds, inputs, expected) => {
    expect(
      keyChange(
        olds as Partial<MaskinportenClientKeyOutputs>,
        inputs as MaskinportenClientKeyInputs,
        NOW,
      ),
    ).toBe(expected);
  });
});

describe("renewalDue", () => {
  it("is due from renewBeforeDays before the expiry, not before, and never without an expiry", () => {
    const expiry = new Date(NOW + 30 * DAY_MS).toISOString();
    expect(renewalDue(expiry, 30, NOW)).toBe(true);
    expect(renewalDue(expiry, 29, NOW)).toBe(false);
    expect(renewalDue(undefined, 30, NOW)).toBe(false);
    expect(renewalDue("not a date", 30, NOW)).toBe(false);
  });
});

describe("expectedKeyIds", () => {
  it("is the current key and the overlap", () => {
    expect(expectedKeyIds(state({ previousKeyIds: ["k0"] }))).toStrictEqual(["k1", "k0"]);
    expect(expectedKeyIds({})).toStrictEqual([]);
  });
});
