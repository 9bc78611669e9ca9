import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadStackConfig } from "../../program/config";
import { promoteStack, stackEnvironment } from "../../program/promote-stack";

const PROJECT_ROOT = join(__dirname, "..", "..");
const read = (name: string) => readFileSync(join(PROJECT_ROOT, name), "utf8");
const PROD_MEMBERS = 'members: ["991825827", "974760673"]';
/** The committed prod stack file with its own recipients, as issue 16 found it. */
const prodWithMembers = () =>
  read("Pulumi.prod.yaml").replace('members: ["310000001", "310000002"]', PROD_MEMBERS);
const configOf = (text: string) => (parse(text) as { config: Record<string, unknown> }).config;
const PROD = { environment: "prod" as const, overwriteTargetValues: false };

describe("promoteStack", () => {
  it("leaves prod's members, titles and credentials as they are and says what it kept", () => {
    const target = prodWithMembers();
    const result = promoteStack(read("Pulumi.test.yaml"), target, PROD);
    expect(result.text).toBe(target);
    expect(result.kept).toStrictEqual([
      'altinn-iac:resources.0.title: the target\'s {"nb":"Melding fra digdir","nn":"Melding frå digdir","en":"Message from digdir"} is kept; the source has {"nb":"Melding fra digdir (test)","nn":"Melding frå digdir (test)","en":"Message from digdir (test)"} (--overwrite-target-values takes it)',
      'altinn-iac:accessLists.0.members: the target\'s ["991825827","974760673"] is kept; the source has [] once its test organisations are left out',
    ]);
    expect(result.unmapped).toStrictEqual([]);
  });

  it("carries the source's policy and scopes into prod, keeping prod's comments and flow lists", () => {
    const source = read("Pulumi.test.yaml")
      .replace("authenticationLevel: 3", "authenticationLevel: 4")
      .replace(
        "        - altinn:correspondence.write",
        "        - altinn:correspondence.write\n        - altinn:events.subscribe",
      );
    const target = prodWithMembers();
    const result = promoteStack(source, target, PROD);
    expect(result.text).toBe(
      target
        .replace("authenticationLevel: 3", "authenticationLevel: 4")
        .replace(
          "        - altinn:correspondence.write",
          "        - altinn:correspondence.write\n        - altinn:events.subscribe",
        ),
    );
    // The promoted file is a valid stack config, with prod's recipients and test's policy (its
    // credential placeholders left aside: preview names each with the command that fills it).
    const loaded = loadStackConfig(
      Object.fromEntries(
        Object.entries(configOf(result.text))
          .filter(([, value]) => !(typeof value === "string" && value.startsWith("REPLACE")))
          .map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
      ),
      PROJECT_ROOT,
    );
    expect(loaded.environment).toBe("prod");
    expect(loaded.resources[0]!.policy).toMatchObject({ form: "template", authenticationLevel: 4 });
    expect(loaded.accessLists[0]!.members).toStrictEqual(["991825827", "974760673"]);
  });

  it("never writes an empty member list over prod's members, even when asked to take the source's values", () => {
    const result = promoteStack(read("Pulumi.test.yaml"), prodWithMembers(), {
      ...PROD,
      overwriteTargetValues: true,
    });
    const config = configOf(result.text);
    expect(
      (config["altinn-iac:accessLists"] as Array<{ members: string[] }>)[0]!.members,
    ).toStrictEqual(["991825827", "974760673"]);
    expect((config["altinn-iac:resources"] as Array<{ title: object }>)[0]!.title).toStrictEqual({
      nb: "Melding fra digdir (test)",
      nn: "Melding frå digdir (test)",
      en: "Message from digdir (test)",
    });
    expect(result.kept).toStrictEqual([
      'altinn-iac:accessLists.0.members: the target\'s ["991825827","974760673"] is kept; the source has [] once its test organisations are left out',
    ]);
    expect(result.unmapped).toStrictEqual([
      'altinn-iac:resources.0.title: "Melding fra digdir (test)" mentions a test environment: reword it for production',
      'altinn-iac:resources.0.title: "Melding frå digdir (test)" mentions a test environment: reword it for production',
      'altinn-iac:resources.0.title: "Message from digdir (test)" mentions a test environment: reword it for production',
    ]);
  });

  it("adds the source's new objects in block style without client ids, keys, adoption, verification or credentials, naming each, and keeps what only the target declares", () => {
    const source = [
      "config:",
      "  altinn-iac:environment: test",
      "  altinn-iac:maskinportenClientId: test-provisioner",
      "  altinn-iac:protect: false",
      "  altinn-iac:org: { code: digdir, number: '991825827' }",
      "  altinn-iac:resources: [{ identifier: digdir-x, adopt: true }]",
      "  altinn-iac:accessLists: [{ identifier: digdir-l, name: L, members: ['310000001', '974760673'] }]",
      "  altinn-iac:maskinportenClients:",
      "    - { name: sender, clientName: s, description: d, clientId: abc, key: { publicJwk: { kid: k1 } } }",
      "  altinn-iac:maskinportenClientKeys: [{ name: other, clientId: def }]",
      "  altinn-iac:verification: { client: sender, resource: digdir-x, recipient: '310000001' }",
      "",
    ].join("\n");
    const target = [
      "# prod",
      "config:",
      "  altinn-iac:environment: prod",
      "  # prod's own",
      "  altinn-iac:resources:",
      "    - identifier: digdir-prod-only",
      "  altinn-iac:verification: { client: p, resource: digdir-prod-only, recipient: '974760673' }",
      "",
    ].join("\n");
    const result = promoteStack(source, target, PROD);
    expect(result.text).toBe(
      [
        "# prod",
        "config:",
        "  altinn-iac:environment: prod",
        "  # prod's own",
        "  altinn-iac:resources:",
        "    - identifier: digdir-prod-only",
        "    - identifier: digdir-x",
        "  altinn-iac:verification: { client: p, resource: digdir-prod-only, recipient: '974760673' }",
        "  altinn-iac:org:",
        "    code: digdir",
        '    number: "991825827"',
        "  altinn-iac:accessLists:",
        "    - identifier: digdir-l",
        "      name: L",
        "      members:",
        '        - "974760673"',
        "  altinn-iac:maskinportenClients:",
        "    - name: sender",
        "      clientName: s",
        "      description: d",
        "      key: {}",
        "",
      ].join("\n"),
    );
    expect(result.kept).toStrictEqual([
      "altinn-iac:protect: not copied (the source has false): the target's default (true in prod) applies",
      "altinn-iac:resources.0: digdir-prod-only is kept: the source does not declare it (remove it by hand if it should go)",
    ]);
    expect(result.unmapped).toStrictEqual([
      "altinn-iac:resources.1.adopt: dropped (adopting in the source says nothing about the target): run npm run export against the target stack to adopt what exists there",
      "altinn-iac:accessLists.0.members: 310000001 left out: not production organisation numbers (Tenor test organisations, or party uuids of the test environment); add the production members",
      "altinn-iac:maskinportenClients.0.clientId: abc is a client of the source environment: left out, so up creates the client (or set the target's client_id to adopt it)",
      "altinn-iac:maskinportenClients.0.key.publicJwk: the source's key is not reused: left out, so up generates a key (or bring the target's public key)",
      "altinn-iac:maskinportenClientKeys.0: the key set of source client def is not copied: add the prod client's entry yourself",
      "altinn-iac:verification: not copied: it sends a real message to a recipient of the source environment; set a prod recipient that expects it, if any",
      "altinn-iac:maskinportenClientId: belongs to the source environment and is not copied: set the prod value with pulumi config set",
    ]);
  });
});

describe("stackEnvironment", () => {
  it("refuses a stack with no file, naming the commands that make one", () => {
    expect(() => stackEnvironment("staging", undefined)).toThrow(
      "Pulumi.staging.yaml does not exist, and promote only writes into an existing stack file: create the stack first (pulumi stack init staging; pulumi config set altinn-iac:environment <test or prod> --stack staging; then its org and credentials, as in Pulumi.prod.yaml), or name an existing stack",
    );
  });

  it("refuses an environment that contradicts the stack's name, and one a nameless stack does not set", () => {
    expect(() => stackEnvironment("prod", "config:\n  altinn-iac:environment: test\n")).toThrow(
      "Pulumi.prod.yaml says altinn-iac:environment: test, but the stack's name says prod: fix the value (pulumi config set altinn-iac:environment prod --stack prod) or use the stack that is test",
    );
    expect(() => stackEnvironment("staging", "config: {}\n")).toThrow(
      "Pulumi.staging.yaml has no altinn-iac:environment and its name does not say which environment it is: set it with pulumi config set altinn-iac:environment <test or prod> --stack staging",
    );
  });

  it("takes the file's environment, or the one the name says", () => {
    expect(stackEnvironment("staging", "config:\n  altinn-iac:environment: test\n")).toBe("test");
    expect(stackEnvironment("digdir-prod", "config: {}\n")).toBe("prod");
    expect(stackEnvironment("brg-test", read("Pulumi.brg-test.yaml"))).toBe("test");
  });
});
