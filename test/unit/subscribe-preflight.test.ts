import { buildPolicyXml } from "../../policies/build";
import { parsePolicyModel } from "../../policies/model";
import { ownerSubscribeFailure } from "../../policies/subscribe-preflight";
import { correspondencePolicy } from "../../policies/templates";
import { stackConfigSchema } from "../../program/config";
import { subscriptionPreflight } from "../../program/event-subscriptions";

/** The preview check that the declared policy lets the owner subscribe, as Events will ask. */

const CONTEXT = { resourceId: "digdir-melding", owner: "digdir" };
const REFUSED =
  'the policy of resource digdir-melding does not let service owner digdir subscribe, so Altinn Events refuses the subscription (403 "Not authorized to create a subscription for resource urn:altinn:resource:digdir-melding.")';
const ADD_RULE =
  ': add the rule { subjects: [{ org: "digdir" }], actions: ["subscribe"] } to its policy (the correspondence template\'s owner rule has it: actions ["write", "subscribe"])';

describe("ownerSubscribeFailure", () => {
  it("passes the correspondence template, whose owner rule permits subscribe", () => {
    const policy = correspondencePolicy("digdir", { recipients: { roles: ["DAGL"] } });
    expect(ownerSubscribeFailure(policy, CONTEXT)).toBeUndefined();
  });

  it("passes an owner rule that compares the org code ignoring case, as the PDP does", () => {
    const policy = parsePolicyModel({
      rules: [{ subjects: [{ org: "DIGDIR" }], actions: ["subscribe"] }],
    });
    expect(ownerSubscribeFailure(policy, CONTEXT)).toBeUndefined();
  });

  it("fails a policy whose owner may write but not subscribe, naming the rule to add", () => {
    const policy = parsePolicyModel({
      rules: [
        { subjects: [{ role: "DAGL" }], actions: ["read", "subscribe"] },
        { subjects: [{ org: "digdir" }], actions: ["write"] },
      ],
    });
    expect(ownerSubscribeFailure(policy, CONTEXT)).toBe(`${REFUSED}${ADD_RULE}`);
  });

  it("fails a policy that grants subscribe to another org's code", () => {
    const policy = parsePolicyModel({
      rules: [{ subjects: [{ org: "brg" }], actions: ["subscribe"] }],
    });
    expect(ownerSubscribeFailure(policy, CONTEXT)).toBe(`${REFUSED}${ADD_RULE}`);
  });

  it("fails a policy whose deny rule overrides the owner's permit, naming that rule", () => {
    const policy = parsePolicyModel({
      rules: [
        { subjects: [{ org: "digdir" }], actions: ["write", "subscribe"] },
        { effect: "Deny", subjects: [{ org: "digdir" }], actions: ["subscribe"] },
      ],
    });
    expect(ownerSubscribeFailure(policy, CONTEXT)).toBe(
      `${REFUSED}: rule 2 (service owner digdir may not subscribe) denies it; narrow or remove that rule so it no longer applies to { org: "digdir" } and action subscribe`,
    );
  });
});

describe("subscriptionPreflight", () => {
  function config(resources: unknown[], subscriptions: unknown[]) {
    return stackConfigSchema.parse({
      environment: "local",
      org: { code: "digdir", number: "991825827" },
      resources,
      subscriptions,
    });
  }
  const resource = (identifier: string, policy?: unknown) => ({
    identifier,
    title: {},
    description: {},
    contactPoints: [],
    ...(policy ? { policy } : {}),
  });
  const subscription = (name: string, resourceId: string) => ({
    name,
    resource: resourceId,
    endPoint: "https://example.org/hook",
  });

  it("checks subscriptions against template, rules and XML policies, and skips resources without one", () => {
    const writeOnly = parsePolicyModel({
      rules: [{ subjects: [{ org: "digdir" }], actions: ["write"] }],
    });
    const failures = subscriptionPreflight(
      config(
        [
          resource("digdir-template", {
            template: "correspondence",
            recipients: { roles: ["DAGL"] },
          }),
          resource("digdir-rules", {
            rules: [{ subjects: [{ org: "digdir" }], actions: ["write"] }],
          }),
          resource("digdir-xml", { xml: buildPolicyXml(writeOnly, { resourceId: "digdir-xml" }) }),
          resource("digdir-nopolicy"),
        ],
        [
          subscription("a", "digdir-template"),
          subscription("b", "digdir-rules"),
          subscription("c", "digdir-xml"),
          subscription("d", "digdir-nopolicy"),
          subscription("e", "elsewhere-managed"),
        ],
      ),
    );
    expect(failures).toStrictEqual(
      ["b digdir-rules", "c digdir-xml"].map((entry) => {
        const [name, id] = entry.split(" ");
        return `subscription ${name}: ${REFUSED.replaceAll("digdir-melding", id!)}${ADD_RULE}`;
      }),
    );
  });
});
