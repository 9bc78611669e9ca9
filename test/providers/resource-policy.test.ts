import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildPolicyXml } from "../../policies/build";
import { parsePolicyModel, type PolicyInput } from "../../policies/model";
import { correspondencePolicy } from "../../policies/templates";
import { UNKNOWN } from "../../providers/lib/check";
import { resourcePolicyImplementation as impl } from "../../providers/resource-policy";
import { demoContext, lastSeq, useSimulator, writes } from "../support/simulator";

/**
 * The ResourcePolicy implementation against the simulator: check lints before any write and
 * derives the rule sentences, diff compares meaning, create/update upload, read sees drift, delete
 * leaves the policy (there is no API to remove one). What this does not prove: the engine's
 * handling of the results (see test/e2e/resource-policy.e2e.test.ts).
 */

const simulator = useSimulator();
const ID = "digdir-provider-policy";
const POLICY = correspondencePolicy("digdir", {
  recipients: { roles: ["DAGL"], accessPackages: ["ordinaer-post-til-virksomheten"] },
});
const RULES = [
  "role DAGL or access package ordinaer-post-til-virksomheten may read",
  "service owner digdir may write and subscribe",
];
const OBLIGATIONS = ["users must log in with authentication level 3 or higher"];
const CONTEXT = { resourceType: "CorrespondenceService", owner: "digdir" };
const PROVIDER = "(serialized provider)";

function context(warnings: string[] = []) {
  return demoContext(simulator(), { warn: (message) => warnings.push(message) });
}

async function seedResource(id: string) {
  await fetch(`${simulator().url}/__admin/resources/${id}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      identifier: id,
      hasCompetentAuthority: { organization: "991825827", orgcode: "digdir" },
    }),
  });
}

async function editPolicyBehindTheToolsBack(id: string, xml: string) {
  await fetch(`${simulator().url}/__admin/policies/${id}`, { method: "PUT", body: xml });
}

function checked(policy: PolicyInput, id = ID) {
  return {
    resourceId: id,
    policy: parsePolicyModel(policy),
    ...CONTEXT,
    rules: RULES,
    obligations: OBLIGATIONS,
    __provider: PROVIDER,
  };
}

describe("ResourcePolicy check", () => {
  it("returns the parsed inputs with one sentence per rule and the obligations", async () => {
    const warnings: string[] = [];
    const before = lastSeq(simulator());
    const result = await impl.check(
      context(warnings),
      {},
      {
        resourceId: ID,
        policy: POLICY,
        ...CONTEXT,
        __provider: PROVIDER,
      },
    );
    expect(result).toStrictEqual({ inputs: checked(POLICY), failures: [] });
    expect(warnings).toStrictEqual([]);
    expect(simulator().calls.filter((c) => c.seq > before)).toStrictEqual([]);
  });

  it("fails a linter error on the property it is about, before any call", async () => {
    const before = lastSeq(simulator());
    const result = await impl.check(
      context(),
      {},
      {
        resourceId: ID,
        policy: {
          rules: [
            ...POLICY.rules.slice(0, 1),
            { subjects: [{ org: "[org]" }], actions: ["write"] },
          ],
          authenticationLevel: 3,
        },
        ...CONTEXT,
        __provider: PROVIDER,
      },
    );
    expect(result.failures).toStrictEqual([
      {
        property: "policy.rules.1.subjects.0",
        reason:
          'rule 2: the subject service owner [org] holds the placeholder "[org]"; Altinn compares it literally, so the rule never matches (Altinn Studio left "[org]" in policies, altinn-studio#18044); fix: write the real value, such as the org code',
      },
    ]);
    expect(simulator().calls.filter((c) => c.seq > before)).toStrictEqual([]);
  });

  it("lints XML input the same way, naming the rule and its line", async () => {
    const other = buildPolicyXml(POLICY, { resourceId: "digdir-annen" });
    const result = await impl.check(context(), {}, { resourceId: ID, xml: other, ...CONTEXT });
    expect(result.failures).toStrictEqual([
      {
        property: "",
        reason: `xml: rule 1 (line 4): targets the resource "digdir-annen", not "${ID}": the Resource Registry rejects the policy ("Policy not accepted: Contains rules for a different registry resource"); fix: target "${ID}" (each resource has its own policy)`,
      },
      {
        property: "",
        reason: `xml: rule 2 (line 39): targets the resource "digdir-annen", not "${ID}": the Resource Registry rejects the policy ("Policy not accepted: Contains rules for a different registry resource"); fix: target "${ID}" (each resource has its own policy)`,
      },
      {
        property: "",
        reason:
          'xml: no subject may read this resource, so no recipient can open a message sent with it; fix: add a rule that lets the recipients read, for example { subjects: [{ role: "DAGL" }, { accessPackage: "ordinaer-post-til-virksomheten" }], actions: ["read"] }',
      },
    ]);
  });

  it("prints warnings and passes", async () => {
    const warnings: string[] = [];
    const result = await impl.check(
      context(warnings),
      {},
      {
        resourceId: ID,
        policy: { rules: [{ subjects: [{ role: "DAGL" }], actions: ["read"] }] },
        ...CONTEXT,
      },
    );
    expect(result.failures).toStrictEqual([]);
    expect(warnings).toStrictEqual([
      `policy of ${ID}: warning: service owner digdir may not subscribe, so Altinn Events refuses the owner's event subscription for this resource (403 "Not authorized to create a subscription"); fix: add a rule { subjects: [{ org: "digdir" }], actions: ["write", "subscribe"] }`,
      `policy of ${ID}: warning: service owner digdir may not write, so sending works only with a token that carries altinn:serviceowner (Correspondence otherwise asks the PDP for write); fix: add write for { org: "digdir" }`,
      `policy of ${ID}: warning: the policy has no minimum-authentication-level obligation, so Correspondence rejects every send with allowForwarding: true (it reads the level from the policy); fix: set authenticationLevel (Altinn's example policy uses 3)`,
    ]);
  });

  it.each([
    ["neither", {}, "give the policy as rules (policy) or as XACML (xml)"],
    [
      "both",
      { policy: POLICY, xml: "<x/>" },
      "give the policy as rules (policy) or as XACML (xml), not both",
    ],
  ])("rejects %s of policy and xml", async (_name, form, reason) => {
    expect((await impl.check(context(), {}, { resourceId: ID, ...form })).failures).toStrictEqual([
      { property: "policy", reason },
    ]);
  });

  it("names the path of a schema error", async () => {
    expect(
      (
        await impl.check(
          context(),
          {},
          {
            resourceId: ID,
            policy: { rules: [{ subjects: [], actions: ["read"] }] },
          },
        )
      ).failures,
    ).toStrictEqual([
      { property: "policy.rules.0.subjects", reason: "a rule needs at least one subject" },
    ]);
  });

  it("leaves a policy that is not known yet in preview to the next check", async () => {
    const news = { resourceId: ID, policy: UNKNOWN, ...CONTEXT, __provider: PROVIDER };
    expect(await impl.check(context(), {}, news)).toStrictEqual({ inputs: news, failures: [] });
  });
});

describe("ResourcePolicy diff", () => {
  const olds = checked(POLICY);

  it("sees no change in a reordered, recased, regrouped policy with other descriptions", async () => {
    const same = parsePolicyModel({
      rules: [
        { subjects: [{ org: "DIGDIR" }], actions: ["subscribe"] },
        { description: "another text", subjects: [{ org: "digdir" }], actions: ["write"] },
        {
          subjects: [{ accessPackage: "Ordinaer-Post-Til-Virksomheten" }, { role: "dagl" }],
          actions: ["read"],
        },
      ],
      authenticationLevel: 3,
    });
    expect(await impl.diff(context(), ID, olds, checked(same))).toStrictEqual({
      changes: false,
      replaces: [],
    });
  });

  it("sees a changed rule, and the same meaning written as XML", async () => {
    const changed = parsePolicyModel({
      ...POLICY,
      rules: [POLICY.rules[0]!, { subjects: [{ org: "digdir" }], actions: ["write"] }],
    });
    expect(await impl.diff(context(), ID, olds, checked(changed))).toStrictEqual({
      changes: true,
      replaces: [],
    });
    const asXml = { resourceId: ID, xml: buildPolicyXml(POLICY, { resourceId: ID }), ...CONTEXT };
    expect(await impl.diff(context(), ID, olds, asXml)).toStrictEqual({
      changes: false,
      replaces: [],
    });
  });

  it("replaces for another resource, and counts an unknown policy as a change", async () => {
    expect(await impl.diff(context(), ID, olds, checked(POLICY, "digdir-annen"))).toStrictEqual({
      changes: true,
      replaces: ["resourceId"],
    });
    expect(await impl.diff(context(), ID, olds, { ...olds, policy: UNKNOWN })).toStrictEqual({
      changes: true,
      replaces: [],
    });
  });
});

describe("ResourcePolicy life cycle", () => {
  const policyUrl = () => `${simulator().url}/resourceregistry/api/v1/resource/${ID}/policy`;
  const outputs = () => ({
    resourceId: ID,
    policy: POLICY,
    ...CONTEXT,
    rules: RULES,
    obligations: OBLIGATIONS,
    policyUrl: policyUrl(),
  });

  beforeAll(() => seedResource(ID));

  it("uploads the built policy on create, with one write", async () => {
    const before = lastSeq(simulator());
    expect(await impl.create(context(), checked(POLICY))).toStrictEqual({
      id: ID,
      outs: outputs(),
    });
    expect(
      writes(simulator(), before).map((c) => `${c.method} ${c.path} ${c.status}`),
    ).toStrictEqual([`POST /resourceregistry/api/v1/resource/${ID}/policy 201`]);
    expect(simulator().context.state.policies[ID]).toBe(buildPolicyXml(POLICY, { resourceId: ID }));
  });

  it("keeps on create a live policy that already means the declared one, with no write", async () => {
    const id = "digdir-policy-adopted";
    await seedResource(id);
    const xml = buildPolicyXml(POLICY, { resourceId: id });
    await editPolicyBehindTheToolsBack(id, xml.replace(/\n\s*/g, ""));
    const before = lastSeq(simulator());
    await impl.create(context(), checked(POLICY, id));
    expect(writes(simulator(), before)).toStrictEqual([]);
    expect(simulator().context.state.policies[id]).toBe(xml.replace(/\n\s*/g, ""));
  });

  it("reads back what it wrote as the declared inputs", async () => {
    const { policyUrl: _url, ...inputs } = outputs();
    expect(await impl.read(context(), ID, outputs())).toStrictEqual({
      id: ID,
      props: outputs(),
      inputs,
    });
  });

  it("reports no drift when the live policy means the same, written differently", async () => {
    const reordered = parsePolicyModel({ ...POLICY, rules: [...POLICY.rules].reverse() });
    await editPolicyBehindTheToolsBack(ID, buildPolicyXml(reordered, { resourceId: ID }));
    expect((await impl.read(context(), ID, outputs())).inputs).toStrictEqual({
      resourceId: ID,
      policy: POLICY,
      ...CONTEXT,
      rules: RULES,
      obligations: OBLIGATIONS,
    });
  });

  it("reads drift when someone changes a rule, and the sentence shows it", async () => {
    const edited = parsePolicyModel({
      ...POLICY,
      rules: [POLICY.rules[0]!, { subjects: [{ org: "digdir" }], actions: ["write"] }],
    });
    await editPolicyBehindTheToolsBack(ID, buildPolicyXml(edited, { resourceId: ID }));
    const result = await impl.read(context(), ID, outputs());
    expect(result.inputs).toStrictEqual({
      resourceId: ID,
      ...CONTEXT,
      policy: edited,
      rules: [RULES[0], "service owner digdir may write"],
      obligations: OBLIGATIONS,
    });
    expect(await impl.diff(context(), ID, result.props!, checked(POLICY))).toStrictEqual({
      changes: true,
      replaces: [],
    });
  });

  it("reads a live policy the model cannot hold as XML, so the next up restores the declared one", async () => {
    const live = buildPolicyXml(POLICY, { resourceId: ID }).replace(
      "</xacml:Target>\n  </xacml:Rule>",
      '</xacml:Target>\n    <xacml:Condition><xacml:Function FunctionId="f"/></xacml:Condition>\n  </xacml:Rule>',
    );
    await editPolicyBehindTheToolsBack(ID, live);
    const result = await impl.read(context(), ID, outputs());
    expect(result.inputs).toStrictEqual({
      resourceId: ID,
      ...CONTEXT,
      xml: live,
      rules: [
        'permits when [subject urn:altinn:rolecode = (any case) "DAGL" or subject urn:altinn:accesspackage = (any case) "ordinaer-post-til-virksomheten"] and [resource urn:altinn:resource = "digdir-provider-policy"] and [action = "read"], subject to its Condition',
        'permits when [subject urn:altinn:org = (any case) "digdir"] and [resource urn:altinn:resource = "digdir-provider-policy"] and [action = "write" or action = "subscribe"]',
      ],
      obligations: ["obligation urn:altinn:minimum-authenticationlevel = 3 on Permit"],
    });
    expect(await impl.diff(context(), ID, result.props!, checked(POLICY))).toStrictEqual({
      changes: true,
      replaces: [],
    });
  });

  it("replaces the policy with PUT on update", async () => {
    const before = lastSeq(simulator());
    const { outs } = await impl.update(context(), ID, outputs(), checked(POLICY));
    expect(outs).toStrictEqual(outputs());
    expect(
      writes(simulator(), before).map((c) => `${c.method} ${c.path} ${c.status}`),
    ).toStrictEqual([`PUT /resourceregistry/api/v1/resource/${ID}/policy 201`]);
    expect(simulator().context.state.policies[ID]).toBe(buildPolicyXml(POLICY, { resourceId: ID }));
  });

  it("uploads XML input exactly as written", async () => {
    const xml = readFileSync(
      join(__dirname, "..", "fixtures", "xacml", "studio-style.xml"),
      "utf8",
    );
    const id = "acme-studio-melding";
    await fetch(`${simulator().url}/__admin/resources/${id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        identifier: id,
        hasCompetentAuthority: { organization: "991825827", orgcode: "digdir" },
      }),
    });
    const inputs = { resourceId: id, xml };
    const { outs } = await impl.create(context(), inputs);
    expect(simulator().context.state.policies[id]).toBe(xml);
    expect(outs.rules).toStrictEqual([
      "role dagl, role priv or access package ordinaer-post-til-virksomheten may read",
      "service owner acme may write and subscribe",
    ]);
    expect((await impl.read(context(), id, outs)).inputs).toStrictEqual({
      ...inputs,
      rules: outs.rules,
      obligations: outs.obligations,
    });
  });

  it("leaves the policy in place on delete and says so, with no call", async () => {
    const warnings: string[] = [];
    const before = lastSeq(simulator());
    await impl.delete(context(warnings), ID, outputs());
    expect(simulator().calls.filter((c) => c.seq > before)).toStrictEqual([]);
    expect(warnings).toStrictEqual([
      `the policy of resource ${ID} is no longer managed, but stays in force: the Resource Registry has no call to delete a policy (it is deleted with its resource)`,
    ]);
  });

  it("reads a policy whose resource is gone as gone", async () => {
    await fetch(`${simulator().url}/__admin/resources/${ID}`, { method: "DELETE" });
    expect(await impl.read(context(), ID, outputs())).toStrictEqual({});
  });
});
