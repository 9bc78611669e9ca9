import { CachedTokens } from "../../providers/auth/tokens";
import { simulatorEndpoints } from "../../providers/lib/environments";
import { buildPolicyXml } from "../../policies/build";
import { parsePolicyModel } from "../../policies/model";
import { correspondencePolicy } from "../../policies/templates";
import { DEMO_CLIENT_ID, DEMO_KEY_ID, DEMO_PRIVATE_KEY, useSimulator } from "../support/simulator";

/**
 * The simulator's policy endpoints speak the Resource Registry's contract (ResourceController
 * WritePolicy/GetPolicy/GetFlattenRules/GetRights, PolicyHelper.EnsureValidPolicy): multipart
 * upload with the part policyFile, the server's checks in its order with its status codes and
 * texts, anonymous download as text/xml, and the flattened rules. What this does not prove: that
 * tt02 answers the same today.
 */

const simulator = useSimulator();
const BASE = "/resourceregistry/api/v1/resource";
const ID = "digdir-policy-1";

const POLICY = correspondencePolicy("digdir", {
  recipients: { roles: ["DAGL"], accessPackages: ["ordinaer-post-til-virksomheten"] },
});
const XML = buildPolicyXml(POLICY, { resourceId: ID });

async function token(scopes = ["altinn:resourceregistry/resource.write"]): Promise<string> {
  return new CachedTokens(simulatorEndpoints(simulator().url), () => ({
    clientId: DEMO_CLIENT_ID,
    keyId: DEMO_KEY_ID,
    privateKey: DEMO_PRIVATE_KEY,
  })).altinnToken(scopes);
}

async function seedResource(id: string, organization = "991825827", orgcode = "digdir") {
  await fetch(`${simulator().url}/__admin/resources/${id}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      identifier: id,
      resourceType: "CorrespondenceService",
      hasCompetentAuthority: { organization, orgcode },
    }),
  });
}

/** A form with the policy as a file part, or as a plain field when `filename` is null. */
function form(xml: string, name = "policyFile", filename: string | null = "policy.xml") {
  const data = new FormData();
  if (filename === null) data.append(name, xml);
  else data.append(name, new Blob([xml], { type: "text/xml" }), filename);
  return data;
}

async function upload(
  id: string,
  body: FormData | string,
  options: { method?: string; bearer?: string | null; contentType?: string } = {},
) {
  const bearer = options.bearer === undefined ? await token() : options.bearer;
  const response = await fetch(`${simulator().url}${BASE}/${id}/policy`, {
    method: options.method ?? "POST",
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(options.contentType ? { "content-type": options.contentType } : {}),
    },
    body,
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    location: response.headers.get("location"),
    text: await response.text(),
  };
}

async function get(path: string, accept?: string) {
  const response = await fetch(`${simulator().url}${BASE}/${path}`, {
    headers: accept ? { accept } : {},
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    disposition: response.headers.get("content-disposition"),
    text: await response.text(),
  };
}

const stored = (id: string) => simulator().context.state.policies[id];

describe("Resource Registry policies (simulator)", () => {
  beforeAll(async () => {
    await seedResource(ID);
    await seedResource("brg-policy-1", "974760673", "brg");
    await seedResource("digdir-policy-empty");
  });

  it("stores an uploaded policy with 201 and a relative Location, and serves it anonymously as text/xml", async () => {
    expect(await upload(ID, form(XML))).toStrictEqual({
      status: 201,
      type: null,
      location: `${ID}/policy`,
      text: "",
    });
    expect(stored(ID)).toBe(XML);
    expect(await get(`${ID}/policy`)).toStrictEqual({
      status: 200,
      type: "text/xml",
      disposition: "attachment; filename=policy.xml; filename*=UTF-8''policy.xml",
      text: XML,
    });
  });

  it("overwrites with PUT as with POST", async () => {
    const changed = XML.replace(">DAGL<", ">PRIV<");
    expect((await upload(ID, form(changed), { method: "PUT" })).status).toBe(201);
    expect(stored(ID)).toBe(changed);
    expect((await upload(ID, form(XML))).status).toBe(201);
    expect(stored(ID)).toBe(XML);
  });

  it("rejects a rule for another resource with the server's reason as a JSON string", async () => {
    const other = buildPolicyXml(POLICY, { resourceId: "digdir-annen" });
    expect(await upload(ID, form(other))).toStrictEqual({
      status: 400,
      type: "application/json; charset=utf-8",
      location: null,
      text: '"Policy not accepted: Contains rules for a different registry resource"',
    });
    expect(stored(ID)).toBe(XML);
  });

  it("rejects a rule without a reference to the resource", async () => {
    const noReference = buildPolicyXml(
      parsePolicyModel({
        rules: [
          ...POLICY.rules,
          {
            subjects: [{ role: "DAGL" }],
            actions: ["read"],
            resources: [[{ attribute: "urn:altinn:task", value: "Task_1" }]],
          },
        ],
      }),
      { resourceId: ID },
    );
    expect((await upload(ID, form(noReference))).text).toBe(
      '"Policy not accepted: Contains rule without reference to registry resource id"',
    );
  });

  it("compares the resource id exactly, as the server does", async () => {
    expect((await upload(ID, form(XML.replaceAll(ID, ID.toUpperCase())))).text).toBe(
      '"Policy not accepted: Contains rules for a different registry resource"',
    );
  });

  it("answers 400 Unknown resource for a resource that does not exist", async () => {
    expect(await upload("digdir-finnes-ikke", form(XML))).toMatchObject({
      status: 400,
      text: '"Unknown resource"',
    });
  });

  it.each([
    ["a part with another name", () => form(XML, "file")],
    ["policyFile as a plain field, not a file", () => form(XML, "policyFile", null)],
  ])("answers 400 for %s: the policy file is null", async (_name, body) => {
    expect(await upload(ID, body())).toMatchObject({
      status: 400,
      text: '"The policy file can not be null"',
    });
  });

  it("answers 415 with ProblemDetails to a body that is not multipart", async () => {
    const response = await upload(ID, XML, { contentType: "text/xml" });
    expect({ ...response, text: { ...JSON.parse(response.text), traceId: "(any)" } }).toStrictEqual(
      {
        status: 415,
        type: "application/problem+json; charset=utf-8",
        location: null,
        text: {
          type: "https://tools.ietf.org/html/rfc9110#section-15.5.16",
          title: "Unsupported Media Type",
          status: 415,
          traceId: "(any)",
        },
      },
    );
  });

  it("answers 401 without a token and 403 without the write scope", async () => {
    expect((await upload(ID, form(XML), { bearer: null })).status).toBe(401);
    expect(
      (await upload(ID, form(XML), { bearer: await token(["altinn:serviceowner"]) })).status,
    ).toBe(403);
  });

  it("answers 403 for another org's resource and stores nothing", async () => {
    const xml = buildPolicyXml(POLICY, { resourceId: "brg-policy-1" });
    expect(await upload("brg-policy-1", form(xml))).toMatchObject({ status: 403, text: "" });
    expect(stored("brg-policy-1")).toBeUndefined();
  });

  it("answers 500 to XML Altinn's XACML parser rejects, and stores nothing", async () => {
    const response = await upload("digdir-policy-empty", form(XML.replace(' Effect="Permit"', "")));
    expect(response.status).toBe(500);
    expect(JSON.parse(response.text)).toMatchObject({
      type: "https://tools.ietf.org/html/rfc9110#section-15.6.1",
      title: "An error occurred while processing your request.",
      status: 500,
    });
    expect(stored("digdir-policy-empty")).toBeUndefined();
  });

  it("answers 404 to a download of an unknown resource or a missing policy, as text or JSON as asked", async () => {
    expect(await get("digdir-finnes-ikke/policy")).toStrictEqual({
      status: 404,
      type: "text/plain; charset=utf-8",
      disposition: null,
      text: "Unable to find resource",
    });
    expect(await get("digdir-policy-empty/policy", "application/json")).toStrictEqual({
      status: 404,
      type: "application/json; charset=utf-8",
      disposition: null,
      text: '"Unable to find requested policy"',
    });
    expect((await get("digdir-policy-empty/policy", "application/json, */*")).text).toBe(
      "Unable to find requested policy",
    );
  });

  it("flattens the policy at /policy/rules: one entry per subject, action and resource", async () => {
    const response = await get(`${ID}/policy/rules`);
    const subject = (type: string, value: string) => [{ type, value }];
    const rule = (subjects: Array<{ type: string; value: string }>, action: string) => ({
      subject: subjects,
      action: { type: "urn:oasis:names:tc:xacml:1.0:action:action-id", value: action },
      resource: [{ type: "urn:altinn:resource", value: ID }],
    });
    expect(response.type).toBe("application/json; charset=utf-8");
    expect(JSON.parse(response.text)).toStrictEqual([
      rule(subject("urn:altinn:rolecode", "DAGL"), "read"),
      rule(subject("urn:altinn:accesspackage", "ordinaer-post-til-virksomheten"), "read"),
      rule(subject("urn:altinn:org", "digdir"), "write"),
      rule(subject("urn:altinn:org", "digdir"), "subscribe"),
    ]);
  });

  it("groups the rules by right at /policy/rights, with the server's right keys", async () => {
    const resource = [{ type: "urn:altinn:resource", value: ID }];
    const action = (value: string) => ({
      type: "urn:oasis:names:tc:xacml:1.0:action:action-id",
      value,
    });
    expect(JSON.parse((await get(`${ID}/policy/rights`)).text)).toStrictEqual([
      {
        action: action("read"),
        resource,
        subjects: [
          { subjectAttributes: [{ type: "urn:altinn:rolecode", value: "DAGL" }] },
          {
            subjectAttributes: [
              { type: "urn:altinn:accesspackage", value: "ordinaer-post-til-virksomheten" },
            ],
          },
        ],
        // MD5 of the UTF-16LE text "read;urn:altinn:resource:digdir-policy-1", computed apart.
        rightKey: `read;${ID};fca63dc1d09beeb25d0f25daa42bbf28`,
        subjectTypes: ["urn:altinn:accesspackage", "urn:altinn:rolecode"],
      },
      {
        action: action("write"),
        resource,
        subjects: [{ subjectAttributes: [{ type: "urn:altinn:org", value: "digdir" }] }],
        rightKey: `write;${ID};6af32a9dc399249a5713d31abdb2cc89`,
        subjectTypes: ["urn:altinn:org"],
      },
      {
        action: action("subscribe"),
        resource,
        subjects: [{ subjectAttributes: [{ type: "urn:altinn:org", value: "digdir" }] }],
        rightKey: `subscribe;${ID};a95b927488775b5e310d1fc3441f8781`,
        subjectTypes: ["urn:altinn:org"],
      },
    ]);
  });

  it("answers 404 ProblemDetails at /policy/rules without a policy", async () => {
    const response = await get("digdir-policy-empty/policy/rules");
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text)).toMatchObject({
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
      title: "Not Found",
      status: 404,
    });
  });

  it("deletes the policy with its resource", async () => {
    await seedResource("digdir-policy-gone");
    const xml = buildPolicyXml(POLICY, { resourceId: "digdir-policy-gone" });
    expect((await upload("digdir-policy-gone", form(xml))).status).toBe(201);
    const response = await fetch(`${simulator().url}${BASE}/digdir-policy-gone`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${await token()}` },
    });
    expect(response.status).toBe(204);
    expect(stored("digdir-policy-gone")).toBeUndefined();
    expect((await get("digdir-policy-gone/policy")).status).toBe(404);
  });
});
