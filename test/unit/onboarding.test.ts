import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { parse } from "yaml";
import { loadStackConfig } from "../../program/config";
import { INIT_HELP, parseInitArgs, stackFileText } from "../../program/init-stack";
import { requestTexts, stackFacts } from "../../program/init-requests";
import { findPlaceholders, PLACEHOLDER } from "../../program/placeholders";
import {
  EngineMissingError,
  exportLines,
  stackArgument,
  usePulumiEngine,
} from "../../cli/pulumi-engine";
import { stackFileValues } from "../../program/stack-values";
import { PROJECT_ROOT } from "../support/pulumi-cli";

/** A stack file's text as the engine hands its config to the program: every value a string. */
function engineConfig(text: string): Record<string, string> {
  const config = (parse(text) as { config: Record<string, unknown> }).config;
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

function usageError(argv: string[]): string {
  try {
    parseInitArgs(argv);
  } catch (error) {
    return (error as Error).message;
  }
  return "no error";
}

describe("npm run init: arguments", () => {
  it("names the stack <org>-<env>, maps Altinn's names of the environments, and defaults to a passphrase", () => {
    expect(parseInitArgs(["--org", "brg", "--env", "tt02"])).toStrictEqual({
      org: "brg",
      environment: "test",
      stack: "brg-test",
      secretsProvider: "passphrase",
    });
    expect(
      parseInitArgs([
        "--org",
        "skd",
        "--env",
        "production",
        "--stack",
        "prod",
        "--org-number",
        "974761076",
        "--secrets-provider",
        "azurekeyvault://v.vault.azure.net/keys/k",
      ]),
    ).toStrictEqual({
      org: "skd",
      environment: "prod",
      stack: "prod",
      orgNumber: "974761076",
      secretsProvider: "azurekeyvault://v.vault.azure.net/keys/k",
    });
    expect(parseInitArgs(["--help"])).toBe("help");
  });

  it("refuses what it cannot make, saying why", () => {
    expect(usageError(["--env", "test"])).toBe(
      `--org is required: the org code Altinn gave you, such as brg\n\n${INIT_HELP}`,
    );
    expect(usageError(["--org", "Brg!", "--env", "test"])).toBe(
      "--org Brg!: an Altinn org code is lower-case letters and digits, such as digdir or brg",
    );
    expect(usageError(["--org", "brg", "--env", "staging"])).toBe(
      "--env staging: use local (the simulator), test (tt02) or prod",
    );
    expect(usageError(["--org", "brg", "--env", "local"])).toBe(
      "--org brg --env local: the simulator's demo clients act for digdir (991825827), so a local stack is made for --org digdir; make brg's own stack with --env test",
    );
    expect(usageError(["--org", "brg", "--env", "test", "--org-number", "12345"])).toBe(
      "--org-number 12345: an organisation number is 9 digits",
    );
    expect(usageError(["--org", "brg", "--env", "test", "--force"])).toBe(
      `unknown argument "--force"\n\n${INIT_HELP}`,
    );
  });
});

describe("npm run init: the stack file", () => {
  const test = stackFileText({
    org: "brg",
    environment: "test",
    stack: "brg-test",
    secretsProvider: "passphrase",
  });

  it("marks every value only the owner knows as a placeholder, with the command that fills it", () => {
    const found = findPlaceholders(engineConfig(test), "brg-test");
    expect(found.map((p) => p.path)).toStrictEqual([
      "altinn-iac:org.number",
      "altinn-iac:maskinportenClientId",
      "altinn-iac:maskinportenKeyId",
      "altinn-iac:maskinportenPrivateKey",
      "altinn-iac:selfServiceClientId",
      "altinn-iac:selfServiceCertificate",
      "altinn-iac:selfServicePrivateKey",
      "altinn-iac:resources[0].contactPoints[0].email",
      "altinn-iac:accessLists[0].members[0]",
      "altinn-iac:subscriptions[0].endPoint",
      "altinn-iac:verification.recipient",
    ]);
    expect(found.find((p) => p.path === "altinn-iac:selfServicePrivateKey")!.fill).toBe(
      "`pulumi config set --secret altinn-iac:selfServicePrivateKey --stack brg-test < business-certificate-key.pem` (or remove the key and pass ALTINN_IAC_SELF_SERVICE_PRIVATE_KEY in the environment)",
    );
    expect(found.find((p) => p.path === "altinn-iac:subscriptions[0].endPoint")!.fill).toBe(
      "`pulumi config set --path 'altinn-iac:subscriptions[0].endPoint' '<value>' --stack brg-test` (or edit Pulumi.brg-test.yaml)",
    );
  });

  it("has the structure the program reads: filled in, it validates with no problem", () => {
    const filled: Record<string, string> = {};
    for (const [key, value] of Object.entries(engineConfig(test))) {
      filled[key] = value
        .replace(/"REPLACE: [^"]*organisation number[^"]*"/g, '"310000001"')
        .replace(/"REPLACE: your support e-mail address"/, '"post@brreg.example"')
        .replace(/"REPLACE: your https endpoint[^"]*"/, '"https://brg.example/events"')
        .replace(PLACEHOLDER, "filled");
    }
    const config = loadStackConfig(filled, PROJECT_ROOT, (key) => key.endsWith("PrivateKey"));
    expect(config.org).toStrictEqual({ code: "brg", number: "310000001" });
    expect(config.resources.map((r) => r.identifier)).toStrictEqual(["brg-melding"]);
    expect(config.accessLists.map((l) => l.identifier)).toStrictEqual(["brg-mottakere"]);
    expect(config.maskinportenClients.map((c) => c.scopes)).toStrictEqual([
      ["altinn:serviceowner", "altinn:correspondence.write", "altinn:events.subscribe"],
    ]);
    expect(config.verification).toMatchObject({ client: "melding-sender", runOnUp: false });
  });

  it("for the simulator: the demo clients, no placeholder, ready to run", () => {
    const local = stackFileText(parseInitArgs(["--org", "digdir", "--env", "local"]) as never);
    const values = engineConfig(local);
    expect(findPlaceholders(values, "digdir-local")).toStrictEqual([]);
    const secrets = ["altinn-iac:maskinportenPrivateKey", "altinn-iac:selfServicePrivateKey"];
    for (const key of secrets) values[key] = "[secret]";
    const config = loadStackConfig(values, PROJECT_ROOT, (key) => secrets.includes(key));
    expect(config.environment).toBe("local");
    expect(config.verification).toMatchObject({ recipient: "310654321", runOnUp: true });
  });
});

describe("placeholders in included files", () => {
  it("are named by file and path, to be replaced in that file", () => {
    const projectDir = mkdtempSync(join(tmpdir(), "altinn-iac-include-"));
    mkdirSync(join(projectDir, "setup"));
    writeFileSync(
      join(projectDir, "setup", "lists.yaml"),
      'accessLists:\n  - identifier: brg-mottakere\n    name: Mottakere\n    members: ["310000001", "REPLACE: a Tenor test organisation"]\n',
    );
    const message = (() => {
      try {
        loadStackConfig(
          {
            "altinn-iac:environment": "test",
            "altinn-iac:org": '{"code":"brg","number":"974760673"}',
            "altinn-iac:include": '["setup/lists.yaml"]',
          },
          projectDir,
          () => false,
        );
      } catch (error) {
        return (error as Error).message;
      }
      return "no error";
    })();
    expect(message).toBe(
      'the stack config has placeholders to fill:\n  setup/lists.yaml: accessLists[0].members[1]: still the placeholder "REPLACE: a Tenor test organisation": replace it in setup/lists.yaml',
    );
  });
});

describe("npm run requests", () => {
  it("asks Altinn for every altinn scope the stack's objects and clients need, and Digdir for the admin client", () => {
    const facts = stackFacts(stackFileValues(join(PROJECT_ROOT, "Pulumi.test.yaml")));
    expect(facts).toMatchObject({
      environment: "test",
      org: { code: "digdir", number: "991825827" },
      provisioningScopes: [
        "altinn:resourceregistry/accesslist.write",
        "altinn:resourceregistry/resource.write",
      ],
      clientScopes: ["altinn:correspondence.write", "altinn:serviceowner"],
    });
    const [altinn, digdir, notes] = requestTexts(facts, "nb").split(
      "\n\n----------------------------------------\n\n",
    );
    expect(altinn!.split("\n").slice(0, 2)).toStrictEqual([
      "Til: servicedesk@altinn.no",
      "Emne: Tilgang til Altinn-scopes for digdir (991825827) i tt02 (testmiljøet)",
    ]);
    expect(altinn).toContain(
      "  - altinn:correspondence.write\n  - altinn:resourceregistry/accesslist.write\n  - altinn:resourceregistry/resource.write\n  - altinn:serviceowner\n",
    );
    expect(digdir).toContain("scopene idporten:dcr.read og idporten:dcr.write");
    expect(notes).toBe(
      "Uten e-post: lag provisjoneringsklienten i Samarbeidsportalen (Maskinporten, tt02 (testmiljøet)) med scopene altinn:resourceregistry/accesslist.write, altinn:resourceregistry/resource.write, og registrer nøkkelen dens.",
    );
  });
});

describe("the engine locator every command uses", () => {
  function home(withEngine: boolean, credentials?: object): string {
    const dir = mkdtempSync(join(tmpdir(), "altinn-iac-home-"));
    const bin = join(dir, "versions", "3.276.0", "bin");
    mkdirSync(bin, { recursive: true });
    if (withEngine) writeFileSync(join(bin, "pulumi"), "");
    if (credentials) writeFileSync(join(dir, "credentials.json"), JSON.stringify(credentials));
    return dir;
  }

  it("puts the built engine first on PATH, and gives the demo's backend and the local stack's passphrase", () => {
    const pulumiHome = home(true);
    const env: NodeJS.ProcessEnv = { PULUMI_HOME: pulumiHome, PATH: "/usr/bin" };
    const choice = usePulumiEngine("local", env, "/work/project");
    const bin = join(pulumiHome, "versions", "3.276.0", "bin");
    expect(choice.bin).toBe(bin);
    expect(env).toStrictEqual({
      PULUMI_HOME: pulumiHome,
      PATH: `${bin}${delimiter}/usr/bin`,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_BACKEND_URL: "file:///work/project/.altinn-iac/state?metadata=skip",
      PULUMI_CONFIG_PASSPHRASE: "altinn-iac-local",
    });
    expect(exportLines(choice)).toStrictEqual([
      `export PATH=${bin}"${delimiter}$PATH"`,
      "export PULUMI_SKIP_UPDATE_CHECK=true",
      "export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true",
      "export PULUMI_BACKEND_URL='file:///work/project/.altinn-iac/state?metadata=skip'",
      "export PULUMI_CONFIG_PASSPHRASE=altinn-iac-local",
    ]);
  });

  it("keeps what the user chose: a pulumi on PATH, a login, a backend URL, a passphrase", () => {
    const onPath = home(true);
    const userBin = join(onPath, "versions", "3.276.0", "bin");
    const loggedIn = { PULUMI_HOME: home(false, { current: "s3://bucket" }), PATH: userBin };
    expect(usePulumiEngine("test", loggedIn).set).toStrictEqual({
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    });
    const chosen: NodeJS.ProcessEnv = {
      PULUMI_HOME: home(true),
      PATH: "/usr/bin",
      PULUMI_BACKEND_URL: "azblob://state",
      PULUMI_CONFIG_PASSPHRASE: "mine",
    };
    usePulumiEngine("local", chosen);
    expect([chosen.PULUMI_BACKEND_URL, chosen.PULUMI_CONFIG_PASSPHRASE]).toStrictEqual([
      "azblob://state",
      "mine",
    ]);
    // Another stack's passphrase is never guessed.
    const other: NodeJS.ProcessEnv = { PULUMI_HOME: home(true), PATH: "/usr/bin" };
    usePulumiEngine("test", other);
    expect(other.PULUMI_CONFIG_PASSPHRASE).toBeUndefined();
  });

  it("says how to get the engine when there is none", () => {
    const pulumiHome = home(false);
    expect(() =>
      usePulumiEngine(undefined, { PULUMI_HOME: pulumiHome, PATH: "/nonexistent" }),
    ).toThrow(new EngineMissingError(join(pulumiHome, "versions", "3.276.0", "bin")));
    expect(new EngineMissingError("/x").message).toBe(
      "the Pulumi engine is not installed: run `npm run engine` (builds it from Go modules into /x) or install the official pulumi CLI and put it on PATH",
    );
  });

  it("reads the stack from a pulumi command line", () => {
    expect(stackArgument(["preview", "--stack", "local"])).toBe("local");
    expect(stackArgument(["up", "-s", "test", "--yes"])).toBe("test");
    expect(stackArgument(["config", "--stack=prod"])).toBe("prod");
    expect(stackArgument(["whoami"])).toBeUndefined();
  });
});
