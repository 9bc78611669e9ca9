import { readFileSync } from "node:fs";
import { authorize } from "../../simulator/pdp";
import { realFixtureFiles, seedRealFixtures } from "../support/real-fixtures";
import { useSimulator } from "../support/simulator";

/**
 * The simulator's PDP decides a stored policy the rule model cannot hold from its XACML, as the
 * real PDP reads any policy the registry stored (was: Indeterminate for every request).
 */
describe("the simulator's PDP over a policy kept as XML", () => {
  const simulator = useSimulator();

  beforeAll(async () => {
    await seedRealFixtures(simulator());
  });

  it("permits what the app policy grants and nothing else", () => {
    const file = realFixtureFiles("policies").find((f) =>
      f.endsWith("app-ttd-signering-brukerstyrt.xml"),
    )!;
    expect(simulator().context.state.policies["app_ttd_signering-brukerstyrt"]).toBe(
      readFileSync(file, "utf8"),
    );
    const ask = (role: string, action: string) =>
      authorize(simulator().context, {
        resourceId: "app_ttd_signering-brukerstyrt",
        subject: { "urn:altinn:rolecode": role },
        action,
        resource: { "urn:altinn:org": "ttd", "urn:altinn:app": "signering-brukerstyrt" },
      });
    expect(ask("DAGL", "delete")).toBe("Permit");
    expect(ask("PRIV", "delete")).toBe("NotApplicable");
  });
});
