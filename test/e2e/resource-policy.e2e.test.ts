import { buildPolicyXml } from "../../policies/build";
import { parsePolicyModel } from "../../policies/model";
import { correspondencePolicy } from "../../policies/templates";
import { startSimulator, type Simulator } from "../../simulator/server";
import { TestStack } from "../support/pulumi-cli";
import { demoStackValues, DEMO_PRIVATE_KEY, lastSeq, writes } from "../support/simulator";

/**
 * A resource with its access policy from a stack file, with the real Pulumi engine and a file
 * backend, against the simulator: up, a no-change preview, one rule changed and shown in words by
 * `preview --diff`, an out-of-band edit seen as drift by `refresh`, `up` restoring it, destroy; and
 * a bad policy failing preview before any write. What it does not prove: tt02's behaviour.
 */

const IDENTIFIER = "digdir-e2e-policy";
const BASE = `/resourceregistry/api/v1/resource/${IDENTIFIER}`;

function resourceSpec(policy: Record<string, unknown>) {
  return {
    identifier: IDENTIFIER,
    title: { nb: "E2E-policy", nn: "E2E-policy", en: "E2E policy" },
    description: { nb: "Testressurs", nn: "Testressurs", en: "Test resource" },
    rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
    contactPoints: [
      { category: "Support", email: "support@example.org", telephone: "", contactPage: "" },
    ],
    policy,
  };
}

function template(roles: string[]) {
  return {
    template: "correspondence",
    recipients: { roles, accessPackages: ["ordinaer-post-til-virksomheten"] },
    authenticationLevel: 3,
  };
}

function builtPolicy(roles: string[]): string {
  return buildPolicyXml(
    correspondencePolicy("digdir", {
      recipients: { roles, accessPackages: ["ordinaer-post-til-virksomheten"] },
      authenticationLevel: 3,
    }),
    { resourceId: IDENTIFIER },
  );
}

describe("ResourcePolicy with the real engine", () => {
  let simulator: Simulator;
  let stack: TestStack;

  const values = (roles: string[]) => ({
    ...demoStackValues(simulator),
    resources: [resourceSpec(template(roles))],
  });

  beforeAll(async () => {
    simulator = await startSimulator();
    stack = await TestStack.create({
      values: values(["DAGL"]),
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("uploads the policy, shows a changed rule in words, sees drift on refresh, restores it and destroys", async () => {
    await stack.up();
    expect(writes(simulator).map((c) => `${c.method} ${c.path} ${c.status}`)).toStrictEqual([
      "POST /resourceregistry/api/v1/resource 201",
      `POST ${BASE}/policy 201`,
    ]);
    expect(simulator.context.state.policies[IDENTIFIER]).toBe(builtPolicy(["DAGL"]));

    const beforePreview = lastSeq(simulator);
    const unchanged = await stack.previewSteps();
    expect(unchanged.filter((s) => s.op !== "same")).toStrictEqual([]);

    // One rule changes: PRIV joins the recipients.
    await stack.setConfig({
      values: values(["DAGL", "PRIV"]),
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
    const preview = await stack.pulumiOk(["preview", "--diff"]);
    expect(preview.output).toContain(
      `~ [0]: "role DAGL or access package ordinaer-post-til-virksomheten may read" => "role DAGL, role PRIV or access package ordinaer-post-til-virksomheten may read"`,
    );
    expect(preview.output).not.toContain("<xacml:");
    const steps = await stack.previewSteps();
    expect(
      steps.filter((s) => s.op !== "same").map((s) => [s.op, s.urn.split("::").pop()]),
    ).toStrictEqual([["update", `${IDENTIFIER}-policy`]]);
    expect(writes(simulator, beforePreview)).toStrictEqual([]);

    const beforeUpdate = lastSeq(simulator);
    await stack.up();
    expect(
      writes(simulator, beforeUpdate).map((c) => `${c.method} ${c.path} ${c.status}`),
    ).toStrictEqual([`PUT ${BASE}/policy 201`]);
    expect(simulator.context.state.policies[IDENTIFIER]).toBe(builtPolicy(["DAGL", "PRIV"]));

    // Someone takes the owner's subscribe away in Altinn Studio.
    const edited = parsePolicyModel({
      rules: [
        correspondencePolicy("digdir", {
          recipients: {
            roles: ["DAGL", "PRIV"],
            accessPackages: ["ordinaer-post-til-virksomheten"],
          },
        }).rules[0]!,
        { subjects: [{ org: "digdir" }], actions: ["write"] },
      ],
      authenticationLevel: 3,
    });
    await fetch(`${simulator.url}/__admin/policies/${IDENTIFIER}`, {
      method: "PUT",
      body: buildPolicyXml(edited, { resourceId: IDENTIFIER }),
    });
    const refresh = await stack.pulumiOk(["refresh", "--yes", "--diff"]);
    expect(refresh.output).toContain(
      `~ [1]: "service owner digdir may write and subscribe" => "service owner digdir may write"`,
    );
    expect(refresh.output).toMatch(/~ 1 updated/);

    const drift = await stack.pulumiOk(["preview", "--diff"]);
    expect(drift.output).toContain(
      `~ [1]: "service owner digdir may write" => "service owner digdir may write and subscribe"`,
    );

    const beforeRestore = lastSeq(simulator);
    await stack.up();
    expect(writes(simulator, beforeRestore).map((c) => `${c.method} ${c.path}`)).toStrictEqual([
      `PUT ${BASE}/policy`,
    ]);
    expect(simulator.context.state.policies[IDENTIFIER]).toBe(builtPolicy(["DAGL", "PRIV"]));

    const destroy = await stack.pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.output).toContain(
      `the policy of resource ${IDENTIFIER} is no longer managed, but stays in force`,
    );
    expect(simulator.context.state.resources[IDENTIFIER]).toBeUndefined();
    expect(simulator.context.state.policies[IDENTIFIER]).toBeUndefined();
  }, 300_000);
});

describe("a bad policy in the stack file", () => {
  let simulator: Simulator;
  let stack: TestStack;

  beforeAll(async () => {
    simulator = await startSimulator();
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("fails preview naming the property, the rule and the fix, with no write call", async () => {
    stack = await TestStack.create({
      values: {
        ...demoStackValues(simulator),
        resources: [
          resourceSpec({
            rules: [
              { subjects: [{ role: "DAGL" }], actions: ["read"] },
              { subjects: [{ org: "[org]" }], actions: ["write", "subscribe"] },
            ],
            authenticationLevel: 3,
          }),
        ],
      },
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
    const result = await stack.pulumi(["preview"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      `resource '${IDENTIFIER}-policy': property policy.rules.1.subjects.0 value {<nil>} has a problem: rule 2: the subject service owner [org] holds the placeholder "[org]"; Altinn compares it literally, so the rule never matches (Altinn Studio left "[org]" in policies, altinn-studio#18044); fix: write the real value, such as the org code`,
    );
    expect(writes(simulator)).toStrictEqual([]);
  }, 120_000);
});
