import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildPolicyXml } from "../../policies/build";
import { lintPolicy, lintPolicyXml, type LintContext } from "../../policies/lint";
import { parsePolicyModel, type PolicyInput } from "../../policies/model";
import { correspondencePolicy } from "../../policies/templates";

/**
 * One test per linter case: what the Resource Registry rejects, what never matches, and what
 * breaks a Correspondence service at send or subscribe time. Each finding names the rule and the
 * fix; the assertions take the whole list, so an extra or missing finding fails.
 */

const CONTEXT: LintContext = {
  resourceId: "digdir-melding",
  resourceType: "CorrespondenceService",
  owner: "digdir",
};

const OWNER_RULE = { subjects: [{ org: "digdir" }], actions: ["write", "subscribe"] };
const READ_RULE = { subjects: [{ role: "DAGL" }], actions: ["read"] };

function lint(input: PolicyInput, context: LintContext = CONTEXT) {
  return lintPolicy(parsePolicyModel(input), context);
}

describe("lintPolicy", () => {
  it("finds nothing in the correspondence template", () => {
    const policy = correspondencePolicy("digdir", {
      recipients: { roles: ["DAGL"], accessPackages: ["ordinaer-post-til-virksomheten"] },
    });
    expect(lintPolicy(policy, CONTEXT)).toStrictEqual([]);
  });

  it("flags a rule that targets another resource, as the server rejects it", () => {
    expect(
      lint({
        rules: [
          READ_RULE,
          {
            ...OWNER_RULE,
            resources: [[{ attribute: "urn:altinn:resource", value: "digdir-annen" }]],
          },
        ],
        authenticationLevel: 3,
      }),
    ).toStrictEqual([
      {
        severity: "error",
        code: "foreign-resource",
        rule: 2,
        path: "rules.1.resources.0",
        message:
          'targets the resource "digdir-annen", not "digdir-melding": the Resource Registry rejects the policy ("Policy not accepted: Contains rules for a different registry resource")',
        fix: 'target "digdir-melding" (each resource has its own policy)',
      },
      {
        severity: "warning",
        code: "owner-subscribe",
        message:
          'service owner digdir may not subscribe, so Altinn Events refuses the owner\'s event subscription for this resource (403 "Not authorized to create a subscription")',
        fix: 'add a rule { subjects: [{ org: "digdir" }], actions: ["write", "subscribe"] }',
      },
      {
        severity: "warning",
        code: "owner-write",
        message:
          "service owner digdir may not write, so sending works only with a token that carries altinn:serviceowner (Correspondence otherwise asks the PDP for write)",
        fix: 'add write for { org: "digdir" }',
      },
    ]);
  });

  it("flags a rule that names no resource id, and a resource attribute Altinn does not supply", () => {
    expect(
      lint({
        rules: [
          { ...READ_RULE, resources: [[{ attribute: "urn:altinn:task", value: "Task_1" }]] },
          READ_RULE,
          OWNER_RULE,
        ],
        authenticationLevel: 3,
      }).map((f) => [f.severity, f.code, f.rule, f.fix]),
    ).toStrictEqual([
      ["warning", "narrow-resource", 1, 'target only urn:altinn:resource = "digdir-melding"'],
      [
        "error",
        "no-resource-reference",
        1,
        'add urn:altinn:resource = "digdir-melding" to the rule',
      ],
    ]);
  });

  it("flags a misspelled resource attribute with the right one", () => {
    expect(
      lint({
        rules: [
          {
            ...READ_RULE,
            resources: [
              [
                { attribute: "urn:altinn:resource", value: "digdir-melding" },
                { attribute: "urn:altinn:resources", value: "digdir-melding" },
              ],
            ],
          },
          OWNER_RULE,
        ],
        authenticationLevel: 3,
      }),
    ).toStrictEqual([
      {
        severity: "error",
        code: "misspelled-attribute",
        rule: 1,
        path: "rules.0.resources.0",
        message: 'the resource attribute "urn:altinn:resources" is not one Altinn knows',
        fix: 'did you mean "urn:altinn:resource"?',
      },
    ]);
  });

  it("flags the docs' misspelled subject attribute urn:altinn:org:rolecode with the right one", () => {
    expect(
      lint({
        rules: [
          {
            subjects: [{ attribute: "urn:altinn:org:rolecode", value: "DAGL" }],
            actions: ["read"],
          },
          READ_RULE,
          OWNER_RULE,
        ],
        authenticationLevel: 3,
      }),
    ).toStrictEqual([
      {
        severity: "error",
        code: "misspelled-attribute",
        rule: 1,
        path: "rules.0.subjects.0",
        message:
          'the subject attribute "urn:altinn:org:rolecode" is not one Altinn supplies, so the rule never matches',
        fix: 'did you mean "urn:altinn:rolecode"?',
      },
    ]);
  });

  it("warns about a subject attribute it does not know, without blocking", () => {
    const findings = lint({
      rules: [
        { subjects: [{ attribute: "urn:acme:department", value: "post" }], actions: ["read"] },
        READ_RULE,
        OWNER_RULE,
      ],
      authenticationLevel: 3,
    });
    expect(findings.map((f) => [f.severity, f.code, f.rule, f.path])).toStrictEqual([
      ["warning", "unknown-attribute", 1, "rules.0.subjects.0"],
    ]);
    expect(findings[0]!.message).toBe(
      'the subject attribute "urn:acme:department" is not one altinn-iac knows Altinn to supply; if the PDP does not, the rule never matches',
    );
  });

  it("flags the [org] placeholder Altinn Studio left in policies, and that the owner then cannot subscribe", () => {
    expect(
      lint({
        rules: [READ_RULE, { subjects: [{ org: "[org]" }], actions: ["write", "subscribe"] }],
        authenticationLevel: 3,
      }).map((f) => [f.severity, f.code, f.rule, f.message]),
    ).toStrictEqual([
      [
        "error",
        "placeholder",
        2,
        'the subject service owner [org] holds the placeholder "[org]"; Altinn compares it literally, so the rule never matches (Altinn Studio left "[org]" in policies, altinn-studio#18044)',
      ],
      [
        "warning",
        "owner-subscribe",
        undefined,
        'service owner digdir may not subscribe, so Altinn Events refuses the owner\'s event subscription for this resource (403 "Not authorized to create a subscription")',
      ],
      [
        "warning",
        "owner-write",
        undefined,
        "service owner digdir may not write, so sending works only with a token that carries altinn:serviceowner (Correspondence otherwise asks the PDP for write)",
      ],
    ]);
  });

  it.each([
    ["{org}", "{org}"],
    ["<ORG>", "<ORG>"],
    ["TODO", "TODO"],
  ])("flags the placeholder %s", (_name, value) => {
    expect(
      lint({
        rules: [READ_RULE, OWNER_RULE, { subjects: [{ role: value }], actions: ["read"] }],
        authenticationLevel: 3,
      }).map((f) => [f.code, f.rule]),
    ).toStrictEqual([["placeholder", 3]]);
  });

  it("flags an organisation number given as an org code", () => {
    expect(
      lint({
        rules: [READ_RULE, OWNER_RULE, { subjects: [{ org: "991825827" }], actions: ["read"] }],
        authenticationLevel: 3,
      }),
    ).toStrictEqual([
      {
        severity: "error",
        code: "org-number",
        rule: 3,
        path: "rules.2.subjects.0",
        message:
          'urn:altinn:org takes a service owner\'s org code, but "991825827" is an organisation number, so the rule never matches',
        fix: 'use the org code (such as "digdir"), or { attribute: "urn:altinn:organization:identifier-no", value: "991825827" } for an organisation',
      },
    ]);
  });

  it("flags spaces around a value, which never match", () => {
    expect(
      lint({
        rules: [{ subjects: [{ role: " DAGL" }], actions: ["read"] }, READ_RULE, OWNER_RULE],
        authenticationLevel: 3,
      }).map((f) => [f.code, f.rule, f.fix]),
    ).toStrictEqual([["whitespace", 1, 'write "DAGL"']]);
  });

  it("flags a Correspondence resource that no subject may read", () => {
    expect(lint({ rules: [OWNER_RULE], authenticationLevel: 3 })).toStrictEqual([
      {
        severity: "error",
        code: "no-reader",
        message:
          "no subject may read this resource, so no recipient can open a message sent with it",
        fix: 'add a rule that lets the recipients read, for example { subjects: [{ role: "DAGL" }, { accessPackage: "ordinaer-post-til-virksomheten" }], actions: ["read"] }',
      },
    ]);
  });

  it("counts a read the PDP never grants, an exact Read, as no reader", () => {
    expect(
      lint({
        rules: [{ subjects: [{ role: "DAGL" }], actions: ["Read"] }, OWNER_RULE],
        authenticationLevel: 3,
      }).map((f) => [f.code, f.rule]),
    ).toStrictEqual([
      ["unknown-action", 1],
      ["no-reader", undefined],
    ]);
  });

  it("warns when the owner may not subscribe, as Altinn Events then refuses its subscription", () => {
    expect(
      lint({
        rules: [READ_RULE, { subjects: [{ org: "digdir" }], actions: ["write"] }],
        authenticationLevel: 3,
      }).map((f) => [f.severity, f.code]),
    ).toStrictEqual([["warning", "owner-subscribe"]]);
  });

  it("warns when only another org may subscribe", () => {
    expect(
      lint({
        rules: [READ_RULE, { subjects: [{ org: "skd" }], actions: ["write", "subscribe"] }],
        authenticationLevel: 3,
      }).map((f) => f.code),
    ).toStrictEqual(["owner-subscribe", "owner-write"]);
  });

  it("warns when the owner has no write path for sending", () => {
    expect(
      lint({
        rules: [READ_RULE, { subjects: [{ org: "DIGDIR" }], actions: ["subscribe"] }],
        authenticationLevel: 3,
      }),
    ).toStrictEqual([
      {
        severity: "warning",
        code: "owner-write",
        message:
          "service owner digdir may not write, so sending works only with a token that carries altinn:serviceowner (Correspondence otherwise asks the PDP for write)",
        fix: 'add write for { org: "digdir" }',
      },
    ]);
  });

  it("warns when a deny rule takes the owner's subscribe away", () => {
    expect(
      lint({
        rules: [
          READ_RULE,
          OWNER_RULE,
          { effect: "Deny", subjects: [{ org: "digdir" }], actions: ["subscribe"] },
        ],
        authenticationLevel: 3,
      }).map((f) => f.code),
    ).toStrictEqual(["owner-subscribe"]);
  });

  it("warns that without a minimum authentication level forwarding fails at send time", () => {
    expect(lint({ rules: [READ_RULE, OWNER_RULE] })).toStrictEqual([
      {
        severity: "warning",
        code: "no-authentication-level",
        message:
          "the policy has no minimum-authentication-level obligation, so Correspondence rejects every send with allowForwarding: true (it reads the level from the policy)",
        fix: "set authenticationLevel (Altinn's example policy uses 3)",
      },
    ]);
  });

  it("warns that a confidential access package makes every send need isConfidential", () => {
    expect(
      lint({
        rules: [
          {
            subjects: [{ accessPackage: "post-til-virksomheten-med-taushetsbelagt-innhold" }],
            actions: ["read"],
          },
          OWNER_RULE,
        ],
        authenticationLevel: 3,
      }),
    ).toStrictEqual([
      {
        severity: "warning",
        code: "confidential",
        rule: 1,
        path: "rules.0.subjects.0",
        message:
          "the access package post-til-virksomheten-med-taushetsbelagt-innhold makes the resource confidential: Correspondence then rejects every send without isConfidential: true",
        fix: "keep it only if every message is confidential; otherwise use ordinaer-post-til-virksomheten",
      },
    ]);
  });

  it("warns about an action Correspondence never asks for, suggesting the close one", () => {
    expect(
      lint({
        rules: [READ_RULE, OWNER_RULE, { subjects: [{ role: "DAGL" }], actions: ["reed"] }],
        authenticationLevel: 3,
      }),
    ).toStrictEqual([
      {
        severity: "warning",
        code: "unknown-action",
        rule: 3,
        path: "rules.2.actions.0",
        message:
          'Correspondence asks only for read, write and subscribe, so the action "reed" is never used',
        fix: 'did you mean "read"?',
      },
    ]);
  });

  it("skips the Correspondence checks for other resource types", () => {
    expect(
      lint(
        { rules: [{ subjects: [{ role: "DAGL" }], actions: ["ScopeAccess"] }] },
        {
          resourceId: "digdir-api",
          resourceType: "MaskinportenSchema",
        },
      ),
    ).toStrictEqual([]);
  });
});

describe("lintPolicyXml", () => {
  const fixture = (name: string) =>
    readFileSync(join(__dirname, "..", "fixtures", "xacml", name), "utf8");

  it("infers the resource from the rules and flags a rule naming another one", () => {
    const policy = parsePolicyModel({
      rules: [
        READ_RULE,
        {
          ...OWNER_RULE,
          resources: [[{ attribute: "urn:altinn:resource", value: "digdir-annen" }]],
        },
        { subjects: [{ accessPackage: "ordinaer-post-til-virksomheten" }], actions: ["read"] },
      ],
      authenticationLevel: 3,
    });
    const result = lintPolicyXml(buildPolicyXml(policy, { resourceId: "digdir-melding" }), {
      resourceType: "CorrespondenceService",
    });
    expect(result.resourceId).toBe("digdir-melding");
    expect(result.findings.map((f) => [f.severity, f.code, f.rule, f.line])).toStrictEqual([
      ["error", "foreign-resource", 2, 32],
      ["warning", "owner-subscribe", undefined, undefined],
      ["warning", "owner-write", undefined, undefined],
    ]);
  });

  it("names the resource given, so every rule of another policy is flagged", () => {
    const result = lintPolicyXml(fixture("studio-style.xml"), { resourceId: "digdir-melding" });
    expect(result.findings.map((f) => [f.code, f.rule])).toStrictEqual([
      ["foreign-resource", 1],
      ["foreign-resource", 2],
    ]);
  });

  it("reports the placeholder of a Studio policy at its rule's line, with the owner it names", () => {
    const result = lintPolicyXml(fixture("studio-org-placeholder.xml"), {
      resourceType: "CorrespondenceService",
    });
    expect(result.findings.map((f) => [f.severity, f.code, f.rule, f.line])).toStrictEqual([
      ["warning", "placeholder", 2, 48],
      ["warning", "owner-subscribe", undefined, undefined],
      ["warning", "owner-write", undefined, undefined],
    ]);
    expect(result.findings[1]!.message).toBe(
      'the service owner (the org codes the policy names) may not subscribe, so Altinn Events refuses the owner\'s event subscription for this resource (403 "Not authorized to create a subscription")',
    );
  });
});
