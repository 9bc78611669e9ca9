import {
  assertSafeUrl,
  environmentProperties,
  isProduction,
  resolveEndpoints,
  simulatorEndpoints,
} from "../../providers/lib/environments";

describe("resolveEndpoints", () => {
  it("gives tt02, Maskinporten test and self-service test for the test environment", () => {
    expect(resolveEndpoints("test")).toStrictEqual({
      platform: "https://platform.tt02.altinn.no",
      maskinportenIssuer: "https://test.maskinporten.no/",
      selfService: "https://api.test.samarbeid.digdir.no",
      selfServicePathPrefix: "/api/v1",
      orgList: "https://altinncdn.no/orgs/altinn-orgs.json",
    });
  });

  it("gives the production hosts for prod", () => {
    expect(resolveEndpoints("prod")).toStrictEqual({
      platform: "https://platform.altinn.no",
      maskinportenIssuer: "https://maskinporten.no/",
      selfService: "https://api.samarbeid.digdir.no",
      selfServicePathPrefix: "/api/v1",
      orgList: "https://altinncdn.no/orgs/altinn-orgs.json",
    });
  });

  it("lays the simulator's APIs out under one origin for local", () => {
    expect(resolveEndpoints("local", {}, "http://127.0.0.1:6000/")).toStrictEqual(
      simulatorEndpoints("http://127.0.0.1:6000"),
    );
    expect(simulatorEndpoints("http://127.0.0.1:6000")).toStrictEqual({
      platform: "http://127.0.0.1:6000",
      maskinportenIssuer: "http://127.0.0.1:6000/maskinporten/",
      selfService: "http://127.0.0.1:6000/selfservice",
      selfServicePathPrefix: "/api/v1",
      orgList: "http://127.0.0.1:6000/resourceregistry/api/v1/resource/orgs",
    });
  });

  it("applies overrides field by field", () => {
    const endpoints = resolveEndpoints("test", {
      selfServicePathPrefix: "",
      platform: "https://platform.at22.altinn.cloud",
    });
    expect(endpoints.platform).toBe("https://platform.at22.altinn.cloud");
    expect(endpoints.selfServicePathPrefix).toBe("");
    expect(endpoints.maskinportenIssuer).toBe("https://test.maskinporten.no/");
  });

  it("rejects a Maskinporten issuer without its trailing slash", () => {
    expect(() =>
      resolveEndpoints("test", { maskinportenIssuer: "https://test.maskinporten.no" }),
    ).toThrow(
      'endpoints.maskinportenIssuer must end with "/" (Maskinporten compares the JWT audience with its issuer exactly), got "https://test.maskinporten.no"',
    );
  });

  it("rejects an http override to a non-loopback host", () => {
    expect(() => resolveEndpoints("test", { platform: "http://platform.tt02.altinn.no" })).toThrow(
      'endpoints.platform must use https (http is allowed only for loopback hosts such as 127.0.0.1), got "http://platform.tt02.altinn.no"',
    );
  });
});

describe("assertSafeUrl", () => {
  it.each([
    "https://example.org",
    "http://127.0.0.1:5055",
    "http://localhost:1",
    "http://[::1]:80",
    "http://127.8.9.10",
  ])("accepts %s", (url) => {
    expect(() => assertSafeUrl("x", url)).not.toThrow();
  });

  it.each([
    [
      "http://10.0.0.1",
      'x must use https (http is allowed only for loopback hosts such as 127.0.0.1), got "http://10.0.0.1"',
    ],
    [
      "http://127.0.0.1.evil.example",
      'x must use https (http is allowed only for loopback hosts such as 127.0.0.1), got "http://127.0.0.1.evil.example"',
    ],
    [
      "ftp://example.org",
      'x must use https (http is allowed only for loopback hosts such as 127.0.0.1), got "ftp://example.org"',
    ],
    ["not a url", 'x is not an absolute URL: "not a url"'],
  ])("rejects %s", (url, message) => {
    expect(() => assertSafeUrl("x", url)).toThrow(message);
  });
});

describe("the environment table", () => {
  it("marks prod, and only prod, as production without resource deletion", () => {
    expect(["local", "test", "prod"].map((e) => [e, isProduction(e)])).toStrictEqual([
      ["local", false],
      ["test", false],
      ["prod", true],
    ]);
    expect(environmentProperties("prod").resourceDeletion).toBe(false);
    expect(environmentProperties("test").resourceDeletion).toBe(true);
  });

  it("refuses an unknown name instead of falling back to another environment", () => {
    expect(() => environmentProperties("tt02")).toThrow(
      'unknown environment "tt02": write one of local, test, prod',
    );
    expect(() => environmentProperties("constructor")).toThrow('unknown environment "constructor"');
    // A plan or file naming no known environment is not production (no production guard applies,
    // and the stack file's own check has already refused the name).
    expect(isProduction("production")).toBe(false);
    expect(isProduction(undefined)).toBe(false);
  });
});
