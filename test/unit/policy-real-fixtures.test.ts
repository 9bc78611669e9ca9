import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { runPolicyCli } from "../../policies/cli";
import { lintPolicyXml } from "../../policies/lint";
import { decide, decideXacml } from "../../policies/evaluate";
import { parsePolicyModel } from "../../policies/model";
import { normalizePolicy, xmlMeaning } from "../../policies/normalize";
import { readPolicy } from "../../policies/parse";
import { validatePolicyInputs } from "../../providers/resource-policy";
import { realFixtureFiles } from "../support/real-fixtures";

/**
 * Policies the Resource Registry accepts are policies altinn-iac accepts: Altinn's own test
 * policies (../shared/fixtures/real/policies) and a Skatteetaten-shaped policy with integer
 * values explain, lint with warnings at most, and XML kept as XML compares by meaning.
 */
const REAL = Object.fromEntries(
  realFixtureFiles("policies").map((file) => [basename(file), readFileSync(file, "utf8")]),
);
const INTEGER = readFileSync(
  resolve(__dirname, "..", "fixtures", "xacml", "integer-subjects.xml"),
  "utf8",
);

function cli(...args: string[]) {
  let out = "";
  let err = "";
  const code = runPolicyCli(args, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    readFile: (path) => (path === "integer.xml" ? INTEGER : REAL[path]!),
  });
  return { code, out, err };
}

describe("Altinn's real policies", () => {
  it("are all there", () => {
    expect(Object.keys(REAL)).toStrictEqual([
      "app-brg-aarsregnskap-vanlig-202406.xml",
      "app-digdir-be-om-api-nokkel.xml",
      "app-skd-app_skd_a2-4223-160201.xml",
      "app-ttd-signering-brukerstyrt.xml",
      "rr-altinn_access_management_skd_delme.xml",
    ]);
  });

  it.each(Object.keys(REAL))("%s explains, one sentence per rule", (name) => {
    const result = cli("explain", name);
    const rules = readPolicy(REAL[name]!).document!.rules;
    expect(result.code).toBe(0);
    expect(result.err).toBe("");
    expect(result.out.split("\n").filter((line) => /^Rule \d+ /.test(line))).toHaveLength(
      rules.length,
    );
    rules.forEach((rule, i) => expect(result.out).toContain(`Rule ${i + 1} (${rule.ruleId}`));
  });

  it("lint gives warnings at most, naming the rule and line; an app policy is checked as an app", () => {
    const findings = Object.fromEntries(
      Object.keys(REAL).map((name) => {
        const result = cli("lint", name);
        expect(result.code).toBe(0);
        const lines = result.out.trim().split("\n");
        return [
          name,
          [lines[0]!.replace(/^[^:]+: /, ""), ...lines.slice(1).map((l) => l.slice(0, 40))],
        ];
      }),
    );
    expect(findings).toStrictEqual({
      "app-brg-aarsregnskap-vanlig-202406.xml": [
        "resource app_brg_aarsregnskap-vanlig-202406 (the resource its rules name); AltinnApp checks",
        // Altinn 2 roles, which Altinn phases out on 31.12.26 (vocabulary/roles.json)
        "warning: rule 1 (line 4): role REGNA (Re",
        "warning: rule 1 (line 4): role UTINN (Ut",
        "warning: rule 1 (line 4): role A0239 (Re",
        "warning: rule 1 (line 4): role A0240 (Re",
        "warning: rule 1 (line 4): role A0237 (An",
        "warning: rule 1 (line 4): role A0238 (Re",
        "warning: rule 2 (line 151): role REGNA (",
        "warning: rule 2 (line 151): role UTINN (",
        "warning: rule 2 (line 151): role A0239 (",
        "warning: rule 2 (line 151): role A0240 (",
        "warning: rule 2 (line 151): role A0237 (",
        "warning: rule 2 (line 151): role A0238 (",
        "0 errors, 12 warnings",
      ],
      "app-digdir-be-om-api-nokkel.xml": [
        "resource app_digdir_be-om-api-nokkel (the resource its rules name); AltinnApp checks",
        "warning: rule 3 (line 139): an AnyOf mix",
        "warning: altinn-iac keeps this policy as",
        "0 errors, 2 warnings",
      ],
      "app-skd-app_skd_a2-4223-160201.xml": [
        "resource app_skd_a2-4223-160201 (the resource its rules name); AltinnApp checks",
        "warning: rule 1 (line 4): role must not ",
        "warning: altinn-iac keeps this policy as",
        "0 errors, 2 warnings",
      ],
      "app-ttd-signering-brukerstyrt.xml": [
        "resource app_ttd_signering-brukerstyrt (the resource its rules name); AltinnApp checks",
        "warning: rule 3 (line 177): an AnyOf mix",
        "warning: altinn-iac keeps this policy as",
        "0 errors, 2 warnings",
      ],
      "rr-altinn_access_management_skd_delme.xml": [
        "resource altinn_access_management_delme (the resource its rules name); CorrespondenceService checks",
        "warning: rule 1 (line 4): role ADMAI (Ti",
        "warning: the service owner (the org code",
        "warning: the service owner (the org code",
        "0 errors, 3 warnings",
      ],
    });
  });

  it("explains a policy beyond the model from the XML, mixed AllOf and all", () => {
    const out = cli("explain", "app-digdir-be-om-api-nokkel.xml").out.split("\n");
    expect(out[0]).toBe(
      "Policy for resource app_digdir_be-om-api-nokkel (the resource its rules name), kept as XML",
    );
    expect(out[1]).toBe("- obligation urn:altinn:minimum-authenticationlevel = 2 on Permit");
    expect(out).toContain(
      'Rule 3 (urn:altinn:example:ruleid:3, line 126): permits when [subject urn:altinn:rolecode = (any case) "PRIV"] and [(resource urn:altinn:org = "digdir" and resource urn:altinn:app = "be-om-api-nokkel" and action = "delete")].',
    );
  });

  it("check accepts each as XML for its resource, with warnings only", () => {
    for (const name of Object.keys(REAL)) {
      const { resourceId } = readPolicy(REAL[name]!);
      const result = validatePolicyInputs({
        resourceId: resourceId!,
        xml: REAL[name]!,
        resourceType: resourceId!.startsWith("app_") ? "AltinnApp" : "GenericAccessResource",
        owner: "digdir",
      });
      expect([name, result.failures]).toStrictEqual([name, []]);
    }
  });

  it("a registry refusal names the rule and line in the reason, and never carries the document", () => {
    const xml = REAL["app-digdir-be-om-api-nokkel.xml"]!;
    const result = validatePolicyInputs({ resourceId: "app_digdir_annen-app", xml });
    expect(result.failures.map((f) => f.property)).toStrictEqual(["", "", "", "", ""]);
    expect(result.failures[0]!.reason).toBe(
      'xml: rule 1 (line 4): does not target "app_digdir_annen-app": the Resource Registry rejects the policy ("Policy not accepted: Contains rule without reference to registry resource id"); fix: add urn:altinn:resource = "app_digdir_annen-app" to the rule',
    );
    for (const failure of result.failures) expect(failure.reason).not.toContain("<xacml:");
  });
});

describe("XML kept as XML compares by meaning", () => {
  const xml = REAL["app-ttd-signering-brukerstyrt.xml"]!;
  const id = "app_ttd_signering-brukerstyrt";
  const meaning = xmlMeaning(xml, id)!;

  it("beyond the model, the meaning is the normalized XACML tree", () => {
    expect(readPolicy(xml).policy).toBeUndefined();
    expect(JSON.parse(meaning)).toHaveProperty("xacml");
  });

  it("another prefix, layout, rule ids, descriptions and case of ignore-case values are the same", () => {
    const reformatted = xml
      .replace(/<(\/?)xacml:/g, "<$1p:")
      .replace("xmlns:xacml=", "xmlns:p=")
      .replace(/\n\s*/g, "\n")
      .replace(/RuleId="[^"]*"/g, (m) => `${m.slice(0, -1)}-renamed"`)
      .replace(
        /<p:Description>[^<]*<\/p:Description>/g,
        "<p:Description>other words</p:Description>",
      )
      .replace(">REGNA<", ">regna<");
    expect(reformatted).not.toBe(xml);
    expect(xmlMeaning(reformatted, id)).toBe(meaning);
  });

  it("a changed value, effect or data type is a change", () => {
    expect(xmlMeaning(xml.replace(">delete<", ">read<"), id)).not.toBe(meaning);
    expect(xmlMeaning(xml.replace('Effect="Permit"', 'Effect="Deny"'), id)).not.toBe(meaning);
    expect(xmlMeaning(xml.replace(">Task_1<", ">task_1<"), id)).not.toBe(meaning);
  });
});

describe("integer values (a Skatteetaten policy)", () => {
  it("explain shows the type and the comparison", () => {
    expect(cli("explain", "integer.xml")).toStrictEqual({
      code: 0,
      err: "",
      out: [
        "Policy for resource skd-integer-melding (the resource its rules name)",
        "- Users must log in with authentication level 3 or higher",
        "Rule 1 (urn:altinn:resource:skd-integer-melding:ruleid:1): organisation 974761076 (typed integer), party 50001337 (typed integer, compared as numbers) or service owner skd may write and subscribe.",
        '  "Skatteetaten sender og abonnerer (token exchange maps the claim to an integer)"',
        "Rule 2 (urn:altinn:resource:skd-integer-melding:ruleid:2): role DAGL may read.",
        '  "Mottakere leser"',
        "",
      ].join("\n"),
    });
  });

  it("lint warns about the typed values only", () => {
    const result = lintPolicyXml(INTEGER, { resourceType: "CorrespondenceService", owner: "skd" });
    expect(result.findings.map((f) => [f.severity, f.code, f.rule, f.path])).toStrictEqual([
      ["warning", "typed-value", 1, "rules.0.subjects.0"],
      ["warning", "typed-value", 1, "rules.0.subjects.1"],
    ]);
    expect(result.policy!.rules[0]!.subjects.slice(0, 2)).toStrictEqual([
      {
        attribute: "urn:altinn:organizationnumber",
        value: "974761076",
        match: "exact",
        dataType: "integer",
      },
      {
        attribute: "urn:altinn:partyid",
        value: "50001337",
        match: "integerEqual",
        dataType: "integer",
      },
    ]);
  });

  it("the PDP matches typed values only against the same type, integer-equal by number", () => {
    const policy = parsePolicyModel({
      rules: [
        {
          subjects: [
            { attribute: "urn:altinn:partyid", value: "0050001337", match: "integerEqual" },
          ],
          actions: ["read"],
        },
        {
          subjects: [
            { attribute: "urn:altinn:organizationnumber", value: "974761076", dataType: "integer" },
          ],
          actions: ["write"],
        },
      ],
    });
    const ask = (attribute: string, value: string, action: string) =>
      decide(policy, { subject: { [attribute]: value }, action }, "r");
    expect(ask("urn:altinn:partyid", "50001337", "read")).toBe("Permit");
    expect(ask("urn:altinn:partyid", "50001338", "read")).toBe("NotApplicable");
    // Altinn's PEP sends strings, and the PDP compares the data type first.
    expect(ask("urn:altinn:organizationnumber", "974761076", "write")).toBe("NotApplicable");
  });

  it("integer-equal values are the same number in any spelling; the type is part of the meaning", () => {
    const rule = (value: string, extra: object = {}) =>
      parsePolicyModel({
        rules: [
          { subjects: [{ attribute: "urn:altinn:partyid", value, ...extra }], actions: ["read"] },
        ],
      });
    const same = (a: ReturnType<typeof rule>, b: ReturnType<typeof rule>) =>
      JSON.stringify(normalizePolicy(a, "r")) === JSON.stringify(normalizePolicy(b, "r"));
    expect(same(rule("007", { match: "integerEqual" }), rule("7", { match: "integerEqual" }))).toBe(
      true,
    );
    expect(same(rule("7", { dataType: "integer" }), rule("7"))).toBe(false);
  });

  it("the model rejects a data type it does not hold, naming the fix", () => {
    expect(() =>
      parsePolicyModel({
        rules: [{ subjects: [{ role: "DAGL", dataType: "boolean" }], actions: ["read"] }],
      }),
    ).toThrow('rules.0.subjects.0.dataType: dataType is "integer" (leave it out for a string)');
  });
});

describe("the PDP over XML the model cannot hold", () => {
  const document = readPolicy(REAL["app-digdir-be-om-api-nokkel.xml"]!).document!;
  const id = "app_digdir_be-om-api-nokkel";
  const app = { "urn:altinn:org": "digdir", "urn:altinn:app": "be-om-api-nokkel" };
  const ask = (subject: Record<string, string>, action: string, resource = {}) =>
    decideXacml(document, { subject, action, resource: { ...app, ...resource } }, id);

  it("reads a mixed-category AllOf per category, as ABAC XacmlRule.MatchAttributes does", () => {
    expect(ask({ "urn:altinn:rolecode": "priv" }, "delete")).toBe("Permit");
    expect(ask({ "urn:altinn:rolecode": "DAGL" }, "delete")).toBe("NotApplicable");
    expect(
      decideXacml(
        document,
        {
          subject: { "urn:altinn:rolecode": "PRIV" },
          action: "delete",
          resource: { "urn:altinn:org": "digdir", "urn:altinn:app": "annen" },
        },
        id,
      ),
    ).toBe("NotApplicable");
  });

  it("needs every resource Match of an AllOf: the org completes only at the end event", () => {
    expect(
      ask({ "urn:altinn:org": "digdir" }, "complete", { "urn:altinn:end-event": "EndEvent_1" }),
    ).toBe("Permit");
    expect(ask({ "urn:altinn:org": "digdir" }, "complete")).toBe("NotApplicable");
  });

  it("lets a rule with a Condition grant nothing (the simulator does not evaluate Conditions)", () => {
    const xml = REAL["rr-altinn_access_management_skd_delme.xml"]!.replace(
      "</xacml:Target>\n  </xacml:Rule>",
      '</xacml:Target>\n    <xacml:Condition><xacml:Function FunctionId="f"/></xacml:Condition>\n  </xacml:Rule>',
    );
    const withCondition = readPolicy(xml).document!;
    expect(withCondition.rules[0]!.extras).toStrictEqual(["Condition"]);
    const request = { subject: { "urn:altinn:rolecode": "ADMAI" }, action: "read" };
    expect(
      decideXacml(
        readPolicy(REAL["rr-altinn_access_management_skd_delme.xml"]!).document!,
        request,
        "altinn_access_management_delme",
      ),
    ).toBe("Permit");
    expect(decideXacml(withCondition, request, "altinn_access_management_delme")).toBe(
      "NotApplicable",
    );
  });
});

describe("where the fixtures are read", () => {
  it("is outside the project", () => {
    expect(
      realFixtureFiles("resources")[0]!.startsWith(join(resolve(__dirname, "..", ".."), "/")),
    ).toBe(false);
  });
});
