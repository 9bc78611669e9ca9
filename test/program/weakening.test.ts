import { loadStackConfig } from "../../program/config";
import type { PreviousObject } from "../../program/previous-deployment";
import { weakeningWarnings } from "../../program/weakening";
import { correspondencePolicy } from "../../policies/templates";

/** Preview names a policy change that weakens what the previous deployment uploaded. */

const RESOURCE = "digdir-svak";

function configWith(policy: Record<string, unknown>) {
  const values = {
    environment: "local",
    org: { code: "digdir", number: "991825827" },
    resources: [
      {
        identifier: RESOURCE,
        title: { nb: "Svak", nn: "Svak", en: "Weak" },
        description: { nb: "Test", nn: "Test", en: "Test" },
        rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
        contactPoints: [
          { category: "Support", email: "support@example.org", telephone: "", contactPage: "" },
        ],
        policy,
      },
    ],
  };
  return loadStackConfig(
    Object.fromEntries(
      Object.entries(values).map(([k, v]) => [
        `altinn-iac:${k}`,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    ),
  );
}

const deployed = (level: number, roles: string[]): PreviousObject[] => [
  {
    urn: `urn:pulumi:s::altinn-iac::x::${RESOURCE}-policy`,
    kind: "ResourcePolicy",
    name: `${RESOURCE}-policy`,
    typeChain: "",
    protect: false,
    keys: [`policy:${RESOURCE}`],
    inputs: {
      policy: correspondencePolicy("digdir", { recipients: { roles }, authenticationLevel: level }),
    },
    outputs: {},
  },
];

describe("weakeningWarnings", () => {
  const template = (level: number, roles: string[]) => ({
    template: "correspondence",
    recipients: { roles },
    authenticationLevel: level,
  });

  it("says nothing for the same or a stronger policy, or with no previous deployment", () => {
    expect(
      weakeningWarnings(configWith(template(3, ["DAGL"])), deployed(3, ["DAGL"])),
    ).toStrictEqual([]);
    expect(
      weakeningWarnings(configWith(template(4, ["DAGL"])), deployed(3, ["DAGL", "LEDE"])),
    ).toStrictEqual([]);
    expect(weakeningWarnings(configWith(template(2, ["DAGL"])), [])).toStrictEqual([]);
  });

  it("names a lower authentication level and new readers, with the key path", () => {
    expect(
      weakeningWarnings(configWith(template(2, ["DAGL", "LEDE"])), deployed(3, ["DAGL"])),
    ).toStrictEqual([
      `altinn-iac:resources.0.policy.authenticationLevel: lowers the level readers of ${RESOURCE} must log in with from 3 to 2 (weaker log-in methods reach its messages): keep 3 unless that is intended`,
      `altinn-iac:resources.0.policy: role LEDE may now read ${RESOURCE}'s messages, which could not before: check that this widening is intended`,
    ]);
  });
});
