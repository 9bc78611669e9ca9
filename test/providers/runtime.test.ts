import { call, configure, provider } from "../../providers/runtime";
import { altinnResourceInputsSchema } from "../../providers/altinn-resource";
import {
  DEMO_CLIENT_ID,
  DEMO_KEY_ID,
  DEMO_PRIVATE_KEY,
  lastSeq,
  useSimulator,
} from "../support/simulator";

const simulator = useSimulator();

function resourceInputs(identifier: string): Record<string, unknown> {
  return altinnResourceInputsSchema.parse({
    identifier,
    title: { nb: "T", nn: "T", en: "T" },
    description: { nb: "D", nn: "D", en: "D" },
    rightDescription: { nb: "R", nn: "R", en: "R" },
    hasCompetentAuthority: { organization: "991825827", orgcode: "digdir" },
    contactPoints: [{ category: "Support", email: "a@b.no" }],
  }) as unknown as Record<string, unknown>;
}

describe("the provider runtime", () => {
  it("keeps one token cache across the configure of every kind with the same config", async () => {
    const config: Record<string, string> = {
      environment: "local",
      simulatorUrl: simulator().url,
      maskinportenClientId: DEMO_CLIENT_ID,
      maskinportenKeyId: DEMO_KEY_ID,
      maskinportenPrivateKey: DEMO_PRIVATE_KEY,
    };
    const before = lastSeq(simulator());
    // As the engine does: the first use of each serialized provider (kind) configures it.
    configure((key) => config[key]);
    await provider("AltinnResource").create(resourceInputs("digdir-runtime-1"));
    configure((key) => config[key]);
    await provider("ResourcePolicy").read!("digdir-runtime-1", {});
    await provider("AltinnResource").create(resourceInputs("digdir-runtime-2"));
    const calls = simulator()
      .calls.filter((c) => c.seq > before)
      .map((c) => `${c.method} ${c.path} ${c.status}`);
    expect(calls).toStrictEqual([
      "POST /maskinporten/token 200",
      "GET /authentication/api/v1/exchange/maskinporten 200",
      "POST /resourceregistry/api/v1/resource 201",
      "GET /resourceregistry/api/v1/resource/digdir-runtime-1/policy 404",
      "POST /resourceregistry/api/v1/resource 201",
    ]);
  });

  it("serves the shell's call: configure from the request's config map, then the kind's method", async () => {
    // Keys with their namespace, as the engine gives them whatever the Pulumi project is called.
    const config = new Map<string, string>([
      ["altinn-iac:environment", "local"],
      ["altinn-iac:simulatorUrl", simulator().url],
      ["altinn-iac:maskinportenClientId", DEMO_CLIENT_ID],
      ["altinn-iac:maskinportenKeyId", DEMO_KEY_ID],
      ["altinn-iac:maskinportenPrivateKey", DEMO_PRIVATE_KEY],
    ]);
    await call("AltinnResource", "configure", [{ config }]);
    const created = (await call("AltinnResource", "create", [
      resourceInputs("digdir-runtime-call"),
    ])) as { id: string };
    expect(created.id).toBe("digdir-runtime-call");
    expect(() => call("AltinnResource", "import", [])).toThrow(
      "altinn-iac: AltinnResource has no import",
    );
  });
});
