import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeObligations, describeRule, explainPolicy } from "../../policies/describe";
import { decide } from "../../policies/evaluate";
import { parsePolicyModel } from "../../policies/model";
import { parsePolicy } from "../../policies/parse";
import { correspondencePolicy } from "../../policies/templates";

/** The rule model's schema, the template, the sentences and the decision function. */

describe("parsePolicyModel", () => {
  it("writes known subject attributes as their shorthand, so one meaning has one form", () => {
    expect(
      parsePolicyModel({
        rules: [
          {
            subjects: [
              { attribute: "urn:altinn:rolecode", value: "DAGL" },
              { attribute: "urn:altinn:accesspackage", value: "ordinaer-post-til-virksomheten" },
              { attribute: "urn:altinn:org", value: "digdir", match: "exact" },
              { attribute: "urn:altinn:person:identifier-no", value: "01017012345" },
            ],
            actions: ["read"],
          },
        ],
      }),
    ).toStrictEqual({
      rules: [
        {
          effect: "Permit",
          subjects: [
            { role: "DAGL" },
            { accessPackage: "ordinaer-post-til-virksomheten" },
            { org: "digdir", match: "exact" },
            { attribute: "urn:altinn:person:identifier-no", value: "01017012345" },
          ],
          actions: ["read"],
        },
      ],
    });
  });

  it("rejects bad rules with one message naming each path and the fix", () => {
    expect(() =>
      parsePolicyModel({
        rules: [
          {
            subjects: [{}, { role: "DAGL", org: "digdir" }, { role: "DAGL", value: "x" }],
            actions: [{ action: "read" }],
          },
          { subjects: [], actions: [] },
        ],
        authenticationLevel: 5,
      }),
    ).toThrow(
      [
        "the policy is invalid:",
        '  rules.0.subjects.0: a subject names exactly one of role, accessPackage, org or attribute (with value), got none: for example { role: "DAGL" }',
        '  rules.0.subjects.1: a subject names exactly one of role, accessPackage, org or attribute (with value), got role and org: for example { role: "DAGL" }',
        '  rules.0.subjects.2: value belongs with attribute; write { role: "x" } instead',
        '  rules.0.actions.0: an action is an action id such as "read", or { action: "read", match: "ignoreCase" }',
        "  rules.1.subjects: a rule needs at least one subject",
        "  rules.1.actions: a rule needs at least one action",
        "  authenticationLevel: Altinn's authentication levels are 0 to 4",
      ].join("\n"),
    );
  });

  it("rejects unknown properties and control characters XML cannot carry", () => {
    expect(() =>
      parsePolicyModel({
        rules: [{ subjects: [{ role: "DA\u0001GL" }], actions: ["read"], who: 1 }],
      }),
    ).toThrow(
      [
        "the policy is invalid:",
        "  rules.0.subjects.0.role: contains a control character XML cannot carry",
        '  rules.0: Unrecognized key: "who"',
      ].join("\n"),
    );
  });
});

describe("correspondencePolicy", () => {
  it("lets the recipients read and the owner write and subscribe, at level 3 by default", () => {
    expect(
      correspondencePolicy("digdir", {
        recipients: { roles: ["DAGL"], accessPackages: ["ordinaer-post-til-virksomheten"] },
      }),
    ).toStrictEqual({
      rules: [
        {
          description: "Recipients read the messages sent to them",
          effect: "Permit",
          subjects: [{ role: "DAGL" }, { accessPackage: "ordinaer-post-til-virksomheten" }],
          actions: ["read"],
        },
        {
          description: "The service owner sends messages and subscribes to their events",
          effect: "Permit",
          subjects: [{ org: "digdir" }],
          actions: ["write", "subscribe"],
        },
      ],
      authenticationLevel: 3,
    });
  });

  it("takes the recipients' actions and both levels", () => {
    const policy = correspondencePolicy("skd", {
      recipients: { roles: ["PRIV"], actions: ["read", "subscribe"] },
      authenticationLevel: 4,
      authenticationLevelOrg: 2,
    });
    expect(policy.rules[0]!.actions).toStrictEqual(["read", "subscribe"]);
    expect([policy.authenticationLevel, policy.authenticationLevelOrg]).toStrictEqual([4, 2]);
  });

  it("rejects a template without recipients", () => {
    expect(() => correspondencePolicy("digdir", { recipients: {} })).toThrow(
      'the correspondence template is invalid:\n  recipients: name at least one recipient role or access package, such as roles: ["DAGL"] or accessPackages: ["ordinaer-post-til-virksomheten"]',
    );
  });
});

describe("describeRule", () => {
  it.each([
    [
      {
        subjects: [{ role: "DAGL" }, { accessPackage: "a" }, { org: "digdir" }],
        actions: ["read"],
      },
      "role DAGL, access package a or service owner digdir may read",
    ],
    [
      { subjects: [{ org: "digdir" }], actions: ["write", "subscribe"] },
      "service owner digdir may write and subscribe",
    ],
    [
      {
        effect: "Deny",
        subjects: [
          {
            allOf: [
              { role: "REGN" },
              { attribute: "urn:altinn:organization:identifier-no", value: "991825827" },
            ],
          },
        ],
        actions: [{ action: "Read", match: "ignoreCase" }],
      },
      "(role REGN and organisation 991825827) may not Read (any case)",
    ],
    [
      {
        subjects: [
          { role: "DAGL", match: "exact" },
          { attribute: "urn:acme:x", value: "y" },
        ],
        actions: ["read", "write", "subscribe"],
        resources: [
          [
            { attribute: "urn:altinn:resource", value: "other" },
            { attribute: "urn:altinn:task", value: "T" },
          ],
        ],
      },
      'role DAGL (exact case) or urn:acme:x = "y" may read, write and subscribe on resource "other" and urn:altinn:task = "T"',
    ],
  ])("says %j in words", (rule, sentence) => {
    expect(describeRule(parsePolicyModel({ rules: [rule] }).rules[0]!)).toBe(sentence);
  });

  it("says the obligations and an unusual combining algorithm in words", () => {
    expect(
      describeObligations(
        parsePolicyModel({
          rules: [{ subjects: [{ role: "DAGL" }], actions: ["read"] }],
          authenticationLevel: 3,
          authenticationLevelOrg: 2,
          ruleCombiningAlgorithm:
            "urn:oasis:names:tc:xacml:1.0:rule-combining-algorithm:first-applicable",
        }),
      ),
    ).toStrictEqual([
      "users must log in with authentication level 3 or higher",
      "organisations (service owners) need authentication level 2 or higher",
      "rules combine with urn:oasis:names:tc:xacml:1.0:rule-combining-algorithm:first-applicable",
    ]);
  });
});

describe("explainPolicy", () => {
  it("explains a Studio policy rule by rule", () => {
    const xml = readFileSync(
      join(__dirname, "..", "fixtures", "xacml", "studio-style.xml"),
      "utf8",
    );
    const { policy, resourceId } = parsePolicy(xml);
    expect(
      explainPolicy(policy, { resourceId, resourceInferred: true, ruleIds: ["r1", "r2"] }),
    ).toBe(
      [
        "Policy for resource acme-studio-melding (the resource its rules name)",
        "- Users must log in with authentication level 3 or higher",
        "- Organisations (service owners) need authentication level 2 or higher",
        "Rule 1 (r1): role dagl, role priv or access package ordinaer-post-til-virksomheten may read.",
        '  "Mottakere kan lese meldinger"',
        "Rule 2 (r2): service owner acme may write and subscribe.",
        '  "Tjenesteeier kan sende meldinger og abonnere på hendelser"',
        "",
      ].join("\n"),
    );
  });
});

describe("decide", () => {
  const policy = parsePolicyModel({
    rules: [
      {
        subjects: [{ role: "DAGL" }, { allOf: [{ role: "REGN" }, { org: "skd" }] }],
        actions: ["read"],
      },
      { effect: "Deny", subjects: [{ role: "PRIV" }], actions: ["read"] },
      { subjects: [{ role: "PRIV" }], actions: ["read"] },
    ],
  });
  const ask = (subject: Record<string, string | string[]>, action = "read", p = policy) =>
    decide(p, { subject, action }, "digdir-melding");

  it("permits a subject matching one alternative, ignoring case", () => {
    expect(ask({ "urn:altinn:rolecode": ["LEDE", "dagl"] })).toBe("Permit");
  });

  it("needs every part of an allOf subject", () => {
    expect(ask({ "urn:altinn:rolecode": "REGN" })).toBe("NotApplicable");
    expect(ask({ "urn:altinn:rolecode": "REGN", "urn:altinn:org": "skd" })).toBe("Permit");
  });

  it("lets a deny rule override a permit under deny-overrides, and not under permit-overrides", () => {
    expect(ask({ "urn:altinn:rolecode": "PRIV" })).toBe("Deny");
    const permitOverrides = parsePolicyModel({
      ...policy,
      ruleCombiningAlgorithm:
        "urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:permit-overrides",
    });
    expect(ask({ "urn:altinn:rolecode": "PRIV" }, "read", permitOverrides)).toBe("Permit");
  });

  it("takes the first applicable rule under first-applicable", () => {
    const firstApplicable = parsePolicyModel({
      ...policy,
      ruleCombiningAlgorithm:
        "urn:oasis:names:tc:xacml:1.0:rule-combining-algorithm:first-applicable",
    });
    expect(ask({ "urn:altinn:rolecode": "PRIV" }, "read", firstApplicable)).toBe("Deny");
  });

  it("does not apply to another action or another resource", () => {
    expect(ask({ "urn:altinn:rolecode": "DAGL" }, "write")).toBe("NotApplicable");
    expect(
      decide(
        policy,
        {
          subject: { "urn:altinn:rolecode": "DAGL" },
          action: "read",
          resource: { "urn:altinn:resource": "other" },
        },
        "digdir-melding",
      ),
    ).toBe("NotApplicable");
  });
});
