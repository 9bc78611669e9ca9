import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeSubject } from "../../policies/describe";
import { readPolicy } from "../../policies/parse";
import { configWarnings, loadStackConfig } from "../../program/config";
import { correspondenceVerificationImplementation as verification } from "../../providers/correspondence-verification";
import { eventSubscriptionImplementation as subscription } from "../../providers/event-subscription";
import type { ProviderContext } from "../../providers/lib/context";
import { resolveEndpoints, type EnvironmentName } from "../../providers/lib/environments";
import { hostFinding, simulatorAdminProblem, unsafeTextProblem } from "../../providers/lib/hostile";

/** The rules of providers/lib/hostile.ts, and the providers' checks that apply them. */

const PROVIDER = "(serialized provider)";
const ctxIn = (environment: EnvironmentName) => ({ settings: { environment } }) as ProviderContext;

describe("hidden characters", () => {
  it.each([
    ["tab, line breaks, accents and emoji", "Melding\tfrå\r\ndigdir 😀 ÆØÅ"],
    ["a zero-width joiner inside an emoji", "👩\u200d💻"],
  ])("accepts %s", (_name, text) => {
    expect(unsafeTextProblem(text)).toBeUndefined();
  });

  const CONTROL = "a control character, which is invisible or cuts the text short";
  it.each([
    ["\u0000", `U+0000 at position 2, ${CONTROL}`],
    ["\u0085", `U+0085 at position 2, ${CONTROL}`],
    [
      "\u2067",
      "U+2067 at position 2, a bidirectional control character, which reorders how the text is shown",
    ],
    ["\udc00", "U+DC00 at position 2, half of a surrogate pair, which is not text"],
  ])("refuses %j, naming it", (character, named) => {
    expect(unsafeTextProblem(`ab${character}cd`)).toBe(
      `contains ${named}: remove it (type the text again, or paste it through a plain-text editor)`,
    );
  });
});

describe("look-alike hosts", () => {
  it("accepts ASCII hosts and Latin international names such as blåbær.no", () => {
    expect(hostFinding("https://example.org/x")).toStrictEqual({});
    expect(hostFinding("https://blåbær.no/x")).toStrictEqual({});
  });

  it("refuses a label that mixes Latin and Cyrillic, written in Unicode or in punycode", () => {
    const problem =
      'the host "p\u0430ypal.com" (xn--pypal-4ve.com) mixes Latin and Cyrillic letters in "p\u0430ypal", the mark of a look-alike name: write the host in one script, as its owner registered it';
    expect(hostFinding("https://p\u0430ypal.com/x")).toStrictEqual({ problem });
    expect(hostFinding("https://xn--pypal-4ve.com/x")).toStrictEqual({ problem });
  });

  it("warns about a name wholly in another script, showing its punycode", () => {
    expect(hostFinding("https://\u0430\u0440\u0440\u04cf\u0435.com/")).toStrictEqual({
      warning:
        'the host "\u0430\u0440\u0440\u04cf\u0435.com" is an international name with Cyrillic letters; requests go to xn--80ak6aa92e.com: make sure that is the host you mean (look-alike names copy Latin ones)',
    });
  });

  it("shows that warning in preview, at the key path", () => {
    const config = loadStackConfig(
      {
        "altinn-iac:environment": "test",
        "altinn-iac:org": JSON.stringify({ code: "digdir", number: "991825827" }),
        "altinn-iac:resources": JSON.stringify([
          {
            identifier: "digdir-melding",
            title: { nb: "T", nn: "T", en: "T" },
            description: { nb: "D", nn: "D", en: "D" },
            rightDescription: { nb: "R", nn: "R", en: "R" },
            contactPoints: [{ category: "Support", email: "a@b.no" }],
            homepage: "https://\u0430\u0440\u0440\u04cf\u0435.com/",
          },
        ]),
      },
      process.cwd(),
      () => false,
    );
    expect(configWarnings(config)).toStrictEqual([
      'altinn-iac:resources.0.homepage: the host "\u0430\u0440\u0440\u04cf\u0435.com" is an international name with Cyrillic letters; requests go to xn--80ak6aa92e.com: make sure that is the host you mean (look-alike names copy Latin ones)',
    ]);
  });
});

describe("the simulator's admin API", () => {
  it.each([
    "http://127.0.0.1:5055/__admin/reset",
    "http://127.0.0.1:5055/webhooks/../__admin/reset",
    "http://127.0.0.1:5055/%5F%5Fadmin/clock",
    "http://localhost:5055/__ADMIN/faults",
  ])("is found in %s", (url) => {
    expect(simulatorAdminProblem(url)).toMatch(/is the simulator's admin API/);
  });

  it("is not the demo receiver", () => {
    expect(simulatorAdminProblem("http://127.0.0.1:5055/webhooks/demo")).toBeUndefined();
  });

  it("is refused as an endpoint override of the local stack", () => {
    expect(() =>
      resolveEndpoints("local", { orgList: "http://127.0.0.1:5055/__admin/state" }),
    ).toThrow(
      "endpoints.orgList: http://127.0.0.1:5055/__admin/state is the simulator's admin API (reset, faults, clock), which a stack never calls: use the demo receiver http://127.0.0.1:5055/webhooks/<name> or your own endpoint",
    );
  });
});

describe("the providers' checks", () => {
  it("EventSubscription refuses a look-alike host and, on local, the admin API", async () => {
    const failures = async (endPoint: string, environment: EnvironmentName) =>
      (
        await subscription.check(
          ctxIn(environment),
          { endPoint: "https://old.example" },
          { endPoint, resourceFilter: "urn:altinn:resource:digdir-melding", __provider: PROVIDER },
        )
      ).failures?.map((f) => f.property);
    expect(await failures("https://p\u0430ypal.com/events", "test")).toStrictEqual(["endPoint"]);
    expect(await failures("http://127.0.0.1:5055/__admin/reset", "local")).toStrictEqual([
      "endPoint",
    ]);
    expect(await failures("http://127.0.0.1:5055/webhooks/x", "local")).toStrictEqual([]);
  });

  it("refuses hidden characters in any input, and a recipient that is not a party", async () => {
    const inputs = {
      orgCode: "digdir",
      resourceId: "digdir-melding",
      clientId: "c",
      keyId: "k",
      privateKeyPem: "pem",
      recipient: "310654321",
      triggers: [],
    };
    const check = async (news: Record<string, unknown>) =>
      (await verification.check(ctxIn("local"), {}, { ...news, __provider: PROVIDER })).failures;
    expect(await check(inputs)).toStrictEqual([]);
    expect(await check({ ...inputs, orgCode: "dig\u202edir" })).toStrictEqual([
      {
        property: "orgCode",
        reason:
          "contains U+202E at position 3, a bidirectional control character, which reorders how the text is shown: remove it (type the text again, or paste it through a plain-text editor)",
      },
    ]);
    expect(await check({ ...inputs, recipient: "310654321&x=1/../" })).toStrictEqual([
      {
        property: "recipient",
        reason:
          "an organisation number (9 digits) or urn:altinn:organization:identifier-no:<9 digits> or urn:altinn:person:identifier-no:<11 digits>",
      },
    ]);
  });
});

describe("names looked up as keys", () => {
  it("describes a subject attribute named constructor as an unknown attribute", () => {
    expect(describeSubject({ attribute: "constructor", value: "x" })).toBe('constructor = "x"');
  });

  it("finds no Altinn category named constructor in policy XML", () => {
    const xml = `<xacml:Policy xmlns:xacml="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="p" RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides"><xacml:Target/><xacml:Rule RuleId="r" Effect="Permit"><xacml:Target><xacml:AnyOf><xacml:AllOf><xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal"><xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">x</xacml:AttributeValue><xacml:AttributeDesignator AttributeId="urn:altinn:rolecode" Category="constructor" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false"/></xacml:Match></xacml:AllOf></xacml:AnyOf></xacml:Target></xacml:Rule></xacml:Policy>`;
    expect(readPolicy(xml, { resourceId: "digdir-x" }).findings.map((f) => f.code)).toStrictEqual([
      "unknown-category",
    ]);
  });

  it("refuses __proto__ in an included YAML file, naming the file and the key", () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "altinn-iac-hostile-")));
    try {
      writeFileSync(
        join(dir, "setup.yaml"),
        "accessLists:\n  - identifier: digdir-x\n    name: X\n    __proto__: { members: ['310654321'] }\n",
      );
      expect(() =>
        loadStackConfig(
          {
            "altinn-iac:org": JSON.stringify({ code: "digdir", number: "991825827" }),
            "altinn-iac:include": JSON.stringify(["setup.yaml"]),
          },
          dir,
          () => false,
        ),
      ).toThrow(
        'the stack config is invalid:\n  setup.yaml: accessLists.0.__proto__: "__proto__" is not a property: JavaScript gives it a meaning of its own (it would make the object inherit its content), so no object of this setup has it: remove it',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
