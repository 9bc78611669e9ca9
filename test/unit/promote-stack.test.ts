import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { promoteStack } from "../../program/promote-stack";
const PROJECT_ROOT = join(__dirname, "..", "..");

const read = (name: string) => readFileSync(join(PROJECT_ROOT, name), "utf8");

describe("promoteStack", () => {
  it("derives the prod setup from the committed test stack, keeping prod's credentials, and reports what it could not map", () => {
    const test = parse(read("Pulumi.test.yaml")) as { config: Record<string, unknown> };
    const prod = parse(read("Pulumi.prod.yaml")) as { config: Record<string, unknown> };
    const result = promoteStack(read("Pulumi.test.yaml"), read("Pulumi.prod.yaml"));
    const promoted = parse(result.text) as {
      encryptionsalt: string;
      config: Record<string, unknown>;
    };
    expect(promoted.encryptionsalt).toBe(
      (parse(read("Pulumi.prod.yaml")) as { encryptionsalt: string }).encryptionsalt,
    );
    expect(promoted.config).toStrictEqual({
      ...prod.config,
      "altinn-iac:environment": "prod",
      "altinn-iac:resources": test.config["altinn-iac:resources"],
      "altinn-iac:accessLists": [
        { ...(test.config["altinn-iac:accessLists"] as object[])[0], members: [] },
      ],
      "altinn-iac:maskinportenClients": test.config["altinn-iac:maskinportenClients"],
    });
    expect(result.unmapped).toStrictEqual([
      'altinn-iac:resources.0.title.nb: "Melding fra digdir (test)" mentions a test environment: kept as it is, reword it for production',
      'altinn-iac:resources.0.title.nn: "Melding frå digdir (test)" mentions a test environment: kept as it is, reword it for production',
      'altinn-iac:resources.0.title.en: "Message from digdir (test)" mentions a test environment: kept as it is, reword it for production',
      "altinn-iac:accessLists.0.members: 310000001, 310000002 left out: not production organisation numbers (Tenor test organisations, or party uuids of the test environment); add the production members",
    ]);
  });

  it("leaves out client ids, keys, adoption, verification and credentials of the source, naming each", () => {
    const source = [
      "config:",
      "  altinn-iac:environment: test",
      "  altinn-iac:maskinportenClientId: test-provisioner",
      "  altinn-iac:org: { code: digdir, number: '991825827' }",
      "  altinn-iac:resources: [{ identifier: digdir-x, adopt: true }]",
      "  altinn-iac:maskinportenClients:",
      "    - { name: sender, clientName: s, description: d, clientId: abc, key: { publicJwk: { kid: k1 } } }",
      "  altinn-iac:maskinportenClientKeys: [{ name: other, clientId: def }]",
      "  altinn-iac:verification: { client: sender, resource: digdir-x, recipient: '310000001' }",
      "",
    ].join("\n");
    const result = promoteStack(source, undefined);
    expect((parse(result.text) as { config: unknown }).config).toStrictEqual({
      "altinn-iac:environment": "prod",
      "altinn-iac:org": { code: "digdir", number: "991825827" },
      "altinn-iac:resources": [{ identifier: "digdir-x" }],
      "altinn-iac:maskinportenClients": [
        { name: "sender", clientName: "s", description: "d", key: {} },
      ],
    });
    expect(result.unmapped).toStrictEqual([
      "altinn-iac:resources.0.adopt: dropped (adopting in test says nothing about production): run npm run export against the production stack to adopt what exists there",
      "altinn-iac:maskinportenClients.0.clientId: abc is a client of the test environment: left out, so up creates the client in production (or set the production client_id to adopt it)",
      "altinn-iac:maskinportenClients.0.key.publicJwk: the test key is not reused in production: left out, so up generates a key (or bring the production public key)",
      "altinn-iac:maskinportenClientKeys.0: the key set of test client def cannot be mapped: add the production client's entry yourself",
      "altinn-iac:verification: left out: it sends a real message to a test recipient; set a production recipient that expects it, if any",
      "altinn-iac:maskinportenClientId: belongs to the source environment and is not copied: set the prod value with pulumi config set",
    ]);
  });
});
