import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { startSimulator, type Simulator } from "../../simulator/server";
import { findResource } from "../../simulator/state";
import { TestStack } from "../support/pulumi-cli";
import { seedRealFixtures, type SeededFixture } from "../support/real-fixtures";
import { DEMO_PRIVATE_KEY, demoStackValues, lastSeq, writes } from "../support/simulator";

/**
 * Altinn's own resources and policies (../shared/fixtures/real/), put into the simulator under
 * the demo org as the registry holds them, exported and adopted with the real engine: up writes
 * nothing, refresh finds nothing changed. Real data breaks rules this tool applies to what it
 * writes (uppercase identifiers, app_ resources, missing languages, policies beyond the rule
 * model, a document older than ServiceResource with language keys "nb-NO" and "EN", no
 * resourceType and no availableForType); adopting it unchanged must not.
 */
describe("adopting Altinn's real resources and policies", () => {
  let simulator: Simulator;
  let stack: TestStack;
  let seeded: SeededFixture[];

  beforeAll(async () => {
    simulator = await startSimulator();
    seeded = await seedRealFixtures(simulator);
    stack = await TestStack.create({
      values: demoStackValues(simulator),
      secrets: { maskinportenPrivateKey: DEMO_PRIVATE_KEY },
    });
  });

  afterAll(async () => {
    await stack?.remove();
    await simulator?.close();
  });

  it("exports each one, and up adopts them all without a write; refresh shows no change", async () => {
    const policies = Object.fromEntries(
      seeded.flatMap((s) =>
        s.policyFile ? [[s.identifier, readFileSync(s.policyFile, "utf8")]] : [],
      ),
    );
    const versions = Object.fromEntries(
      seeded.map((s) => [
        s.identifier,
        findResource(simulator.context.state, s.identifier)!.versions.length,
      ]),
    );

    const exported = await stack.exportSetup();
    expect(exported.code).toBe(0);
    const config = (
      parse(readFileSync(stack.configFile, "utf8")) as { config: Record<string, unknown> }
    ).config;
    const resources = config["altinn-iac:resources"] as Array<Record<string, unknown>>;
    // Every resource becomes an entry; the model holds two of the policies, the rest stay XML
    // verbatim (a mixed-category AnyOf, an empty role value).
    expect(
      resources.map((r) => [
        r.identifier,
        r.adopt,
        r.policy === undefined ? "no policy" : "xml" in (r.policy as object) ? "xml" : "rules",
      ]),
    ).toStrictEqual([
      ["altinn_access_management_delme", true, "rules"],
      ["altinn_delegation_resource", true, "no policy"],
      ["app_brg_aarsregnskap-vanlig-202406", true, "rules"],
      ["app_digdir_be-om-api-nokkel", true, "xml"],
      ["app_skd_a2-4223-160201", true, "xml"],
      ["app_ttd_bli-tjenesteeier", true, "no policy"],
      ["app_ttd_signering-brukerstyrt", true, "xml"],
      ["nav_tiltakAvtaleOmArbeidstrening", true, "no policy"],
      ["skd-maskinportenschemaid-8", true, "no policy"],
      ["skd-migrert-4628-1", true, "no policy"],
      ["stami-samtykke-must", true, "no policy"],
    ]);
    // The older document is exported as the registry holds it: its language keys, type Default,
    // and no availableForType (the tool's default for new resources is not added).
    const nav = resources.find((r) => r.identifier === "nav_tiltakAvtaleOmArbeidstrening")!;
    expect([nav.description, nav.resourceType, "availableForType" in nav]).toStrictEqual([
      {
        "nb-NO": expect.stringMatching(/^Avtalen skal bidra/) as unknown,
        EN: expect.stringMatching(/^The agreement will help/) as unknown,
      },
      "Default",
      false,
    ]);
    for (const r of resources) {
      const policy = r.policy as { xml?: string } | undefined;
      if (policy?.xml !== undefined) expect(policy.xml).toBe(policies[String(r.identifier)]);
    }

    const preview = await stack.pulumiOk(["preview"]);
    expect(preview.output).not.toMatch(/error:/);
    const before = lastSeq(simulator);
    await stack.up();
    expect(writes(simulator, before)).toStrictEqual([]);
    for (const s of seeded) {
      expect(findResource(simulator.context.state, s.identifier)!.versions).toHaveLength(
        versions[s.identifier]!,
      );
      expect(simulator.context.state.policies[s.identifier]).toBe(policies[s.identifier]);
    }

    const afterUp = lastSeq(simulator);
    const refresh = await stack.pulumi(["refresh", "--yes", "--expect-no-changes"]);
    expect(refresh.code).toBe(0);
    const steps = await stack.previewSteps();
    expect(steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`)).toStrictEqual([]);
    expect(writes(simulator, afterUp)).toStrictEqual([]);
  });
});
