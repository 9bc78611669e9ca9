import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { buildPolicyXml } from "../../policies/build";
import { parsePolicyModel, type PolicyInput } from "../../policies/model";
import { normalizePolicy, samePolicy } from "../../policies/normalize";
import { parsePolicy, PolicyParseError, readPolicy } from "../../policies/parse";
import { correspondencePolicy } from "../../policies/templates";
import { readXacml, type XacmlMatch, type XacmlPolicy } from "../../policies/xacml";
import { policyArbitrary } from "../support/policy-arbitraries";

/**
 * The builder writes the XML Altinn accepts and the parser reads any policy Altinn accepts back
 * into the model: parse(build(m)) is m, and build(parse(x)) means what x means. What this does not
 * prove: that Altinn's own parser agrees (the simulator's upload check mirrors it; see
 * test/api/policy-simulator.test.ts).
 */

const FIXTURES = join(__dirname, "..", "fixtures", "xacml");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

const TEMPLATE = correspondencePolicy("digdir", {
  recipients: { roles: ["DAGL", "PRIV"], accessPackages: ["ordinaer-post-til-virksomheten"] },
  authenticationLevel: 3,
});

/** Policies the tests build by hand, covering every shape the model has. */
const MODELS: Array<[string, PolicyInput]> = [
  ["the correspondence template", TEMPLATE],
  [
    "exact subjects, other attributes, ignore-case actions, a deny rule and both levels",
    {
      rules: [
        {
          description: 'Særlig & <viktig> "regel"',
          subjects: [
            { role: "DAGL", match: "exact" },
            { attribute: "urn:altinn:organization:identifier-no", value: "991825827" },
            { allOf: [{ role: "REGN" }, { org: "skd", match: "exact" }] },
          ],
          actions: ["read", { action: "Subscribe", match: "ignoreCase" }],
        },
        { effect: "Deny", subjects: [{ role: "PRIV" }], actions: ["write"] },
      ],
      authenticationLevel: 4,
      authenticationLevelOrg: 0,
    },
  ],
  [
    "a rule with its own resources and another combining algorithm",
    {
      rules: [
        {
          subjects: [{ accessPackage: "ordinaer-post-til-virksomheten" }],
          actions: ["read"],
          resources: [
            [
              { attribute: "urn:altinn:resource", value: "digdir-melding" },
              { attribute: "urn:altinn:task", value: "Task_1", match: "ignoreCase" },
            ],
            [{ attribute: "urn:altinn:resource", value: "digdir-annen" }],
          ],
        },
      ],
      ruleCombiningAlgorithm:
        "urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:permit-overrides",
    },
  ],
];

describe("buildPolicyXml", () => {
  it("writes the correspondence template as the golden file", () => {
    expect(buildPolicyXml(TEMPLATE, { resourceId: "digdir-melding" })).toBe(
      fixture("built-correspondence.xml"),
    );
  });

  it("escapes markup in values and descriptions so they read back unchanged", () => {
    const policy = parsePolicyModel({
      rules: [
        {
          description: "a < b & c > d\r\n",
          subjects: [{ attribute: 'urn:x:"quoted"\tid', value: "<&>\"'" }],
          actions: ["read"],
        },
      ],
    });
    const xml = buildPolicyXml(policy, { resourceId: "digdir-melding" });
    expect(xml).toContain("<xacml:Description>a &lt; b &amp; c &gt; d</xacml:Description>");
    expect(xml).toContain('AttributeId="urn:x:&quot;quoted&quot;&#9;id"');
    expect(parsePolicy(xml, { resourceId: "digdir-melding" }).policy).toStrictEqual(policy);
  });
});

describe("parsePolicy", () => {
  it.each(MODELS)("reads back what the builder wrote: %s", (_name, input) => {
    const model = parsePolicyModel(input);
    const xml = buildPolicyXml(model, { resourceId: "digdir-melding" });
    expect(parsePolicy(xml, { resourceId: "digdir-melding" })).toStrictEqual({
      policy: model,
      resourceId: "digdir-melding",
    });
  });

  it("reads back every generated policy (property)", () => {
    fc.assert(
      fc.property(policyArbitrary(), (policy) => {
        const xml = buildPolicyXml(policy, { resourceId: "digdir-melding" });
        expect(parsePolicy(xml, { resourceId: "digdir-melding" }).policy).toStrictEqual(policy);
      }),
      { numRuns: 300 },
    );
  });

  it("infers the resource from the rules when none is given", () => {
    const xml = buildPolicyXml(TEMPLATE, { resourceId: "digdir-melding" });
    expect(parsePolicy(xml)).toStrictEqual({ policy: TEMPLATE, resourceId: "digdir-melding" });
  });

  it("reads the Studio-style fixture into the model", () => {
    const { document: _document, ...parsed } = readPolicy(fixture("studio-style.xml"));
    expect(parsed).toStrictEqual({
      policy: {
        rules: [
          {
            description: "Mottakere kan lese meldinger",
            effect: "Permit",
            subjects: [
              { role: "dagl" },
              { role: "priv" },
              { accessPackage: "ordinaer-post-til-virksomheten" },
            ],
            actions: ["read"],
          },
          {
            description: "Tjenesteeier kan sende meldinger og abonnere på hendelser",
            effect: "Permit",
            subjects: [{ org: "acme" }],
            actions: ["write", "subscribe"],
          },
        ],
        authenticationLevel: 3,
        authenticationLevelOrg: 2,
      },
      resourceId: "acme-studio-melding",
      ruleIds: [
        "urn:altinn:resource:acme-studio-melding:ruleid:1",
        "urn:altinn:resource:acme-studio-melding:ruleid:2",
      ],
      ruleLines: [7, 48],
      findings: [],
    });
  });

  it("keeps the docs' ExamplePolicy subject attribute and its exact matching", () => {
    expect(parsePolicy(fixture("example-policy.xml"))).toStrictEqual({
      policy: {
        rules: [
          {
            description: "Daglig leder kan lese, sende og abonnere",
            effect: "Permit",
            subjects: [{ attribute: "urn:altinn:org:rolecode", value: "DAGL", match: "exact" }],
            actions: ["read", "write", "subscribe"],
          },
        ],
        authenticationLevel: 3,
      },
      resourceId: "acme-example-melding",
    });
  });

  it("keeps Bruno-style ignore-case actions and resource matches", () => {
    const { policy } = parsePolicy(fixture("bruno-style.xml"));
    expect(policy.rules[2]).toStrictEqual({
      effect: "Permit",
      subjects: [{ org: "ttd" }],
      actions: [{ action: "subscribe", match: "ignoreCase" }],
      resources: [
        [{ attribute: "urn:altinn:resource", value: "ttd-bruno-accesslist", match: "ignoreCase" }],
      ],
    });
  });

  it("reads the same meaning from a reformatted, reordered copy of a policy", () => {
    const studio = parsePolicy(fixture("studio-style.xml")).policy;
    const reformatted = parsePolicy(fixture("reformatted.xml")).policy;
    expect(reformatted).not.toStrictEqual(studio);
    expect(samePolicy(reformatted, studio, "acme-studio-melding")).toBe(true);
  });
});

/**
 * The meaning of an XACML document computed straight from its syntax tree, without the model:
 * every (effect, subject AllOf, action, resource AllOf), values compared ignoring case folded.
 */
function grantsOf(document: XacmlPolicy): string[] {
  const fold = (matches: XacmlMatch[][]) =>
    matches.map((allOf) =>
      allOf
        .map((m) => {
          const value = m.matchId.endsWith("ignore-case") ? m.value.toLowerCase() : m.value;
          return `${m.attributeId}|${m.matchId}|${m.dataType}|${value}`;
        })
        .sort()
        .join("&"),
    );
  const grants = new Set<string>();
  for (const rule of document.rules) {
    const byCategory = new Map(rule.target!.map((anyOf) => [anyOf[0]![0]!.category, anyOf]));
    const [subjects, actions, resources] = [
      "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject",
      "urn:oasis:names:tc:xacml:3.0:attribute-category:action",
      "urn:oasis:names:tc:xacml:3.0:attribute-category:resource",
    ].map((category) => fold(byCategory.get(category)!));
    for (const s of subjects!) {
      for (const a of actions!) {
        for (const r of resources!) grants.add(`${rule.effect} ${s} ${a} ${r}`);
      }
    }
  }
  const levels = document.obligations
    .flatMap((o) => o.assignments)
    .map((a) => `${a.category}=${a.value?.trim()}`);
  return [...[...grants].sort(), ...levels.sort(), document.ruleCombiningAlgId];
}

describe("build(parse(x)) for the real-world fixtures", () => {
  const wellFormed = readdirSync(FIXTURES).filter(
    (name) => name.endsWith(".xml") && readPolicy(fixture(name)).policy !== undefined,
  );

  it("covers every fixture the model can hold", () => {
    expect(wellFormed.sort()).toStrictEqual([
      "bruno-style.xml",
      "built-correspondence.xml",
      "default-namespace.xml",
      "example-policy.xml",
      "integer-subjects.xml",
      "load-test-style.xml",
      "reformatted.xml",
      "studio-org-placeholder.xml",
      "studio-style.xml",
    ]);
  });

  it.each(wellFormed)("means what %s means", (name) => {
    const original = fixture(name);
    const { policy, resourceId } = parsePolicy(original);
    const rebuilt = buildPolicyXml(policy, { resourceId: resourceId! });
    expect(normalizePolicy(parsePolicy(rebuilt, { resourceId }).policy, resourceId)).toStrictEqual(
      normalizePolicy(policy, resourceId),
    );
    expect(grantsOf(readXacml(rebuilt))).toStrictEqual(grantsOf(readXacml(original)));
  });
});

describe("readPolicy findings", () => {
  const rule = (target: string, extra = "") =>
    `<Policy xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="p" RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides"><Target/><Rule RuleId="r1" Effect="Permit">${target}${extra}</Rule></Policy>`;
  const match = (value: string, attribute: string, category: string, fn = "string-equal") =>
    `<Match MatchId="urn:oasis:names:tc:xacml:1.0:function:${fn}"><AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">${value}</AttributeValue><AttributeDesignator AttributeId="${attribute}" Category="${category}" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/></Match>`;
  const SUBJECT = "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject";
  const RESOURCE = "urn:oasis:names:tc:xacml:3.0:attribute-category:resource";
  const ACTION = "urn:oasis:names:tc:xacml:3.0:attribute-category:action";
  const anyOf = (...allOfs: string[]) =>
    `<AnyOf>${allOfs.map((a) => `<AllOf>${a}</AllOf>`).join("")}</AnyOf>`;
  const target = (...anyOfs: string[]) => `<Target>${anyOfs.join("")}</Target>`;
  const subject = anyOf(match("DAGL", "urn:altinn:rolecode", SUBJECT));
  const resource = anyOf(match("digdir-melding", "urn:altinn:resource", RESOURCE));
  const read = anyOf(match("read", "urn:oasis:names:tc:xacml:1.0:action:action-id", ACTION));

  it("reads a minimal hand-written rule", () => {
    expect(readPolicy(rule(target(subject, resource, read))).findings).toStrictEqual([]);
  });

  it.each([
    [
      "a document that is not XML",
      "<Policy><Rule></Policy>",
      1,
      /^not well-formed XML: Expected closing tag 'Rule'/,
    ],
    ["an empty document", "  ", undefined, /^the document is empty/],
    [
      "the wrong namespace",
      rule(target(subject)).replace("wd-17", "wd-16"),
      1,
      /^Invalid XACML Policy: the root element must be Policy in the namespace "urn:oasis:names:tc:xacml:3.0:core:schema:wd-17", found <Policy> in "urn:oasis:names:tc:xacml:3.0:core:schema:wd-16"/,
    ],
    [
      "no namespace",
      "<Policy PolicyId='p' RuleCombiningAlgId='x'><Target/></Policy>",
      1,
      /found <Policy> without a namespace/,
    ],
    [
      "a missing PolicyId",
      rule(target(subject)).replace('PolicyId="p" ', ""),
      1,
      /^<Policy> needs the attribute PolicyId/,
    ],
    [
      "a rule without Effect",
      rule(target(subject)).replace(' Effect="Permit"', ""),
      1,
      /^<Rule> needs the attribute Effect/,
    ],
    [
      "an Effect that is not Permit or Deny",
      rule(target(subject)).replace('"Permit"', '"Allow"'),
      1,
      /^Effect="Allow" on <Rule> must be Permit or Deny/,
    ],
    [
      "obligations before the rules",
      `<Policy xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="p" RuleCombiningAlgId="x"><Target/><ObligationExpressions/><Rule RuleId="r" Effect="Permit"/></Policy>`,
      1,
      /^Invalid XACML Policy: VariableDefinition or Rule are required/,
    ],
    [
      "a designator without MustBePresent",
      rule(target(subject.replace(' MustBePresent="false"', ""), resource, read)),
      1,
      /^<AttributeDesignator> needs the attribute MustBePresent/,
    ],
    [
      "the designator before the value",
      rule(
        target(
          anyOf(
            `<Match MatchId="m"><AttributeDesignator AttributeId="a" Category="c" DataType="d" MustBePresent="false"/><AttributeValue DataType="d">v</AttributeValue></Match>`,
          ),
        ),
      ),
      1,
      /^Invalid XACML Policy: AttributeValue is missing in <Match> \(found <AttributeDesignator>\)/,
    ],
    ["an undeclared prefix", "<x:Policy/>", 1, /^the prefix "x" of <x:Policy> is not declared/],
    [
      "an HTML entity",
      rule(target(subject)).replace("DAGL", "DAGL&nbsp;"),
      1,
      /^"&nbsp;" is not an XML entity/,
    ],
    [
      "a DOCTYPE",
      `<!DOCTYPE Policy>${rule(target(subject))}`,
      undefined,
      /^a DOCTYPE is not allowed/,
    ],
    [
      "an empty AnyOf",
      rule(target("<AnyOf></AnyOf>")),
      1,
      /^Invalid XACML Policy: AllOf is missing in <AnyOf>/,
    ],
    ["text in a rule", rule(target(subject), "stray"), 1, /^unexpected text inside <Rule>/],
  ])(
    "reports %s as a syntax error the Resource Registry answers with 500",
    (_name, xml, line, message) => {
      const parsed = readPolicy(xml);
      expect(parsed.policy).toBeUndefined();
      expect(parsed.findings).toHaveLength(1);
      expect(parsed.findings[0]).toMatchObject({ severity: "error", code: "syntax", line });
      expect(parsed.findings[0]!.message).toMatch(message);
      expect(parsed.findings[0]!.message).toMatch(
        /the Resource Registry answers 500 to a policy it cannot parse$/,
      );
    },
  );

  it.each([
    [
      "a Condition",
      rule(target(subject, resource, read), "<Condition><Function FunctionId='f'/></Condition>"),
      "unsupported",
      /uses <Condition>, which altinn-iac's policy model cannot represent/,
    ],
    [
      "another match function",
      rule(
        target(
          anyOf(match("DAGL", "urn:altinn:rolecode", SUBJECT, "string-is-in")),
          resource,
          read,
        ),
      ),
      "unsupported",
      /"DAGL" is compared with "urn:oasis:names:tc:xacml:1.0:function:string-is-in"/,
    ],
    [
      "an AnyOf mixing subjects and actions",
      rule(
        target(
          anyOf(
            match("DAGL", "urn:altinn:rolecode", SUBJECT),
            match("read", "urn:oasis:names:tc:xacml:1.0:action:action-id", ACTION),
          ),
          resource,
        ),
      ),
      "mixed-categories",
      /an AnyOf mixes the categories/,
    ],
    [
      "a misspelled category",
      rule(
        target(
          anyOf(
            match(
              "DAGL",
              "urn:altinn:rolecode",
              SUBJECT.replace("access-subject", "acces-subject"),
            ),
          ),
          resource,
          read,
        ),
      ),
      "unknown-category",
      /is not Altinn's subject, resource or action category/,
    ],
    [
      "two subject AnyOf groups",
      rule(target(subject, subject, resource, read)),
      "repeated-category",
      /has two AnyOf groups in the subject category/,
    ],
    [
      "a rule without actions",
      rule(target(subject, resource)),
      "no-action",
      /has no action in its Target/,
    ],
    [
      "a rule without a resource",
      rule(target(subject, read)),
      "no-resource",
      /does not target any resource: the Resource Registry rejects it with "Policy not accepted: Contains rule without reference to registry resource id"/,
    ],
    ["a rule without a target", rule(""), "no-resource", /has an empty Target/],
    [
      "two actions in one AllOf",
      rule(
        target(
          subject,
          resource,
          anyOf(
            match("read", "urn:oasis:names:tc:xacml:1.0:action:action-id", ACTION) +
              match("write", "urn:oasis:names:tc:xacml:1.0:action:action-id", ACTION),
          ),
        ),
      ),
      "action-allof",
      /Only one match is allowed in a allOf for action category/,
    ],
    [
      "a misspelled action attribute",
      rule(
        target(
          subject,
          resource,
          anyOf(match("read", "urn:oasis:names:tc:xacml:1.0:action:actionid", ACTION)),
        ),
      ),
      "action-attribute",
      /the action attribute is "urn:oasis:names:tc:xacml:1.0:action:actionid"/,
    ],
  ])("reports %s as an error the model cannot hold", (_name, xml, code, message) => {
    const parsed = readPolicy(xml);
    expect(parsed.policy).toBeUndefined();
    expect(parsed.findings.map((f) => [f.severity, f.code, f.rule])).toStrictEqual([
      ["error", code, 1],
    ]);
    expect(parsed.findings[0]!.message).toMatch(message);
  });

  it("rejects an authentication level that is not a number, naming its line", () => {
    const xml = fixture("load-test-style.xml").replace(
      ">2</xacml:AttributeValue>",
      ">two</xacml:AttributeValue>",
    );
    expect(readPolicy(xml).findings).toStrictEqual([
      {
        severity: "error",
        code: "obligation-value",
        line: 43,
        message:
          'the minimum authentication level is "two", not a whole number, so Altinn ignores it',
        fix: 'write <AttributeValue DataType="http://www.w3.org/2001/XMLSchema#integer">3</AttributeValue>',
      },
    ]);
  });

  it("fails parsePolicy with every error in its message", () => {
    expect(() => parsePolicy(rule(target(subject, read)))).toThrow(PolicyParseError);
    expect(() => parsePolicy(rule(target(subject, read)))).toThrow(
      /^the policy cannot be read:\n {2}error: rule 1 \(line 1\): does not target any resource/,
    );
  });
});
