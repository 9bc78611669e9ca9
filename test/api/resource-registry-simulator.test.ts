import { simulatorEndpoints } from "../../providers/lib/environments";
import { CachedTokens } from "../../providers/auth/tokens";
import { startSimulator, type Simulator } from "../../simulator/server";
import { DEMO_CLIENT_ID, DEMO_KEY_ID, DEMO_PRIVATE_KEY, useSimulator } from "../support/simulator";

/**
 * The simulator's Resource Registry speaks the real contract (ResourceController): status codes,
 * bodies and validation messages. What this does not prove: that tt02 still answers the same.
 */

const simulator = useSimulator();
const BASE = "/resourceregistry/api/v1/resource";

async function token(
  sim: Simulator,
  scopes = ["altinn:resourceregistry/resource.write"],
): Promise<string> {
  return new CachedTokens(simulatorEndpoints(sim.url), () => ({
    clientId: DEMO_CLIENT_ID,
    keyId: DEMO_KEY_ID,
    privateKey: DEMO_PRIVATE_KEY,
  })).altinnToken(scopes);
}

function doc(id: string, overrides: Record<string, unknown> = {}) {
  return {
    identifier: id,
    title: { nb: "T", nn: "T", en: "T" },
    description: { nb: "D", nn: "D", en: "D" },
    rightDescription: { nb: "R", nn: "R", en: "R" },
    resourceType: "CorrespondenceService",
    hasCompetentAuthority: { organization: "991825827", orgcode: "digdir" },
    contactPoints: [{ category: "Support", email: "a@b.no", telephone: "", contactPage: "" }],
    ...overrides,
  };
}

async function call(method: string, path: string, body?: unknown, bearer?: string) {
  const response = await fetch(`${simulator().url}${path}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      "content-type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    location: response.headers.get("location"),
    type: response.headers.get("content-type"),
    text,
  };
}

describe("Resource Registry resources (simulator)", () => {
  it("fails a ttd resource without an organisation number with 500: validation passes, the owner check throws", async () => {
    const t = await token(simulator());
    const created = await call(
      "POST",
      BASE,
      doc("ttd-contract-noorg", { hasCompetentAuthority: { orgcode: "ttd" } }),
      t,
    );
    expect(created.status).toBe(500);
    expect(simulator().context.state.resources["ttd-contract-noorg"]).toBeUndefined();
  });

  it("lists every non-app resource with authorizationReference urn:altinn:resource = its id, while GET by id returns what is stored", async () => {
    const t = await token(simulator());
    const stored = [{ id: "urn:altinn:resource", value: "something-else" }];
    expect(
      (await call("POST", BASE, doc("digdir-contract-ref", { authorizationReference: stored }), t))
        .status,
    ).toBe(201);
    const listed = JSON.parse((await call("GET", `${BASE}/resourcelist`)).text) as Array<
      Record<string, unknown>
    >;
    expect(
      listed.find((r) => r.identifier === "digdir-contract-ref")!.authorizationReference,
    ).toStrictEqual([{ id: "urn:altinn:resource", value: "digdir-contract-ref" }]);
    const one = JSON.parse((await call("GET", `${BASE}/digdir-contract-ref`)).text) as Record<
      string,
      unknown
    >;
    expect(one.authorizationReference).toStrictEqual(stored);
  });

  it("creates with 201 and Location, reads anonymously, and numbers versions", async () => {
    const t = await token(simulator());
    expect(await call("POST", BASE, doc("digdir-contract-1"), t)).toMatchObject({
      status: 201,
      location: `${BASE}/digdir-contract-1`,
      text: "",
    });
    const read = await call("GET", `${BASE}/digdir-contract-1`);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.text)).toStrictEqual({
      ...doc("digdir-contract-1"),
      delegable: true,
      visible: true,
      accessListMode: "Disabled",
      selfIdentifiedUserEnabled: false,
      enterpriseUserEnabled: false,
      hasCompetentAuthority: {
        organization: "991825827",
        orgcode: "digdir",
        name: {
          nb: "Digitaliseringsdirektoratet",
          nn: "Digitaliseringsdirektoratet",
          en: "Norwegian Digitalisation Agency",
        },
      },
      versionId: 1,
    });
    expect(
      await call(
        "PUT",
        `${BASE}/digdir-contract-1`,
        doc("digdir-contract-1", { visible: false }),
        t,
      ),
    ).toMatchObject({ status: 200, text: "" });
    expect(JSON.parse((await call("GET", `${BASE}/digdir-contract-1`)).text).versionId).toBe(2);
    expect(
      JSON.parse((await call("GET", `${BASE}/digdir-contract-1?versionId=1`)).text).visible,
    ).toBe(true);
  });

  it("answers 409 in plain text for an existing identifier", async () => {
    const t = await token(simulator());
    await call("POST", BASE, doc("digdir-contract-2"), t);
    expect(await call("POST", BASE, doc("digdir-contract-2"), t)).toMatchObject({
      status: 409,
      text: "The Resource already exist: digdir-contract-2",
    });
  });

  it("answers PUT of an unknown id with 404 before anything else", async () => {
    expect(
      await call("PUT", `${BASE}/digdir-nowhere`, { nonsense: true }, await token(simulator())),
    ).toMatchObject({ status: 404, text: "" });
  });

  it("rejects a PUT whose body names another id", async () => {
    const t = await token(simulator());
    await call("POST", BASE, doc("digdir-contract-3"), t);
    expect(
      await call("PUT", `${BASE}/digdir-contract-3`, doc("digdir-contract-4"), t),
    ).toMatchObject({
      status: 400,
      text: "Id in path does not match ID in resource",
    });
  });

  it("returns the server's validation messages as ValidationProblemDetails", async () => {
    const response = await call(
      "POST",
      BASE,
      doc("App_X", {
        title: { nb: "T", en: "T" },
        resourceType: undefined,
        hasCompetentAuthority: { orgcode: "digdir" },
      }),
      await token(simulator()),
    );
    expect(response.status).toBe(400);
    expect(response.type).toBe("application/problem+json; charset=utf-8");
    const body = JSON.parse(response.text) as Record<string, unknown>;
    expect(body.title).toBe("One or more validation errors occurred.");
    expect(body.errors).toStrictEqual({
      ResourceType: ["ResourceType needs to be set"],
      "HasCompetentAuthority.Organization": [
        "HasCompetentAuthority needs to be set with valid organization number",
      ],
      Identifier: [
        "Invalid id. Only a-z and 0-9 is allowed together with _ and -.  Minimum 4 characters",
      ],
      Title: ["Missing title in nynorsk nn"],
    });
  });

  it("refuses a resource owned by another organisation with an empty 403", async () => {
    const response = await call(
      "POST",
      BASE,
      doc("brg-contract", { hasCompetentAuthority: { organization: "974760673", orgcode: "brg" } }),
      await token(simulator()),
    );
    expect(response).toMatchObject({ status: 403, text: "" });
  });

  it("answers 401 without a token and 403 without the write scope", async () => {
    expect((await call("POST", BASE, doc("digdir-contract-5"))).status).toBe(401);
    expect(
      (
        await call(
          "POST",
          BASE,
          doc("digdir-contract-5"),
          await token(simulator(), ["altinn:events.subscribe"]),
        )
      ).status,
    ).toBe(403);
  });

  it("deletes with 204, then answers 404", async () => {
    const t = await token(simulator());
    await call("POST", BASE, doc("digdir-contract-6"), t);
    expect((await call("DELETE", `${BASE}/digdir-contract-6`, undefined, t)).status).toBe(204);
    expect((await call("DELETE", `${BASE}/digdir-contract-6`, undefined, t)).status).toBe(404);
    expect((await call("GET", `${BASE}/digdir-contract-6`)).status).toBe(404);
  });

  it("serves the service-owner list", async () => {
    const orgs = JSON.parse((await call("GET", `${BASE}/orgs`)).text) as {
      orgs: Record<string, { orgnr: string }>;
    };
    expect(orgs.orgs.digdir!.orgnr).toBe("991825827");
  });
});

describe("Resource Registry in production mode (simulator)", () => {
  let prod: Simulator;
  beforeAll(async () => {
    prod = await startSimulator({ environment: "prod" });
  });
  afterAll(async () => prod.close());

  it("refuses every delete with the server's text", async () => {
    const t = await token(prod);
    await fetch(`${prod.url}${BASE}`, {
      method: "POST",
      headers: { authorization: `Bearer ${t}`, "content-type": "application/json" },
      body: JSON.stringify(doc("digdir-prod-1")),
    });
    const response = await fetch(`${prod.url}${BASE}/digdir-prod-1`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${t}` },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("Delete operation is not allowed in PROD environment");
  });
});
