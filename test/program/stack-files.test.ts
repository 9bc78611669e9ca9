import * as pulumi from "@pulumi/pulumi";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../support/pulumi-cli";
import { loadStackConfig } from "../../program/config";
import { PLACEHOLDER } from "../../program/placeholders";
import { registeredResources, stackFileConfig, type Registered } from "../support/program";

/**
 * Every committed stack file run through the program under Pulumi's mocks: the resource graph it
 * declares, with parents, protection, retention, dependencies and the inputs that matter. What
 * this does not prove: the providers' behaviour (see the provider and e2e tests).
 */

const committed = readdirSync(PROJECT_ROOT)
  .filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f) && !f.startsWith("Pulumi.e2e-"))
  .map((f) => f.slice("Pulumi.".length, -".yaml".length))
  .sort();

/**
 * The stack file with its REPLACE placeholders filled, as its owner does before the first preview
 * (the unfilled files are refused, below).
 */
function filled(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      PLACEHOLDER.test(value) ? `filled-${key.split(":")[1]}` : value,
    ]),
  );
}

const short = (type: string) => type.split(":").pop();

/** One line per resource: type, name, options. */
function graph(resources: Registered[]): string[] {
  return resources.map((r) =>
    [
      `${short(r.type)} ${r.name}`,
      r.parent ? `parent=${r.parent}` : "",
      r.protect ? "protect" : "",
      r.retainOnDelete ? "retain" : "",
      r.dependsOn.length > 0 ? `after=${r.dependsOn.join(",")}` : "",
    ]
      .filter(Boolean)
      .join(" "),
  );
}

function inputsOf(resources: Registered[], name: string): Record<string, unknown> {
  return resources.find((r) => r.name === name)!.inputs;
}

describe("the committed stack files", () => {
  it.each(["test", "prod", "brg-test"])(
    "%s: its placeholders are refused, each with the command that fills it",
    (stack) => {
      const config = stackFileConfig(stack);
      const message = (() => {
        try {
          loadStackConfig(config, PROJECT_ROOT, () => false);
        } catch (error) {
          return (error as Error).message;
        }
        return "no error";
      })();
      const clientId = config["altinn-iac:maskinportenClientId"]!;
      const selfServiceId = config["altinn-iac:selfServiceClientId"]!;
      const certificate = config["altinn-iac:selfServiceCertificate"]!;
      expect(message).toBe(
        [
          "the stack config has placeholders to fill:",
          `  altinn-iac:maskinportenClientId: still the placeholder ${JSON.stringify(clientId)}: fill it with \`pulumi config set altinn-iac:maskinportenClientId --stack ${pulumi.getStack()} '<client_id of the provisioning client>'\` (or remove the key and pass ALTINN_IAC_MASKINPORTEN_CLIENT_ID in the environment)`,
          `  altinn-iac:selfServiceClientId: still the placeholder ${JSON.stringify(selfServiceId)}: fill it with \`pulumi config set altinn-iac:selfServiceClientId --stack ${pulumi.getStack()} '<client_id of the self-service admin client>'\` (or remove the key and pass ALTINN_IAC_SELF_SERVICE_CLIENT_ID in the environment)`,
          `  altinn-iac:selfServiceCertificate: still the placeholder ${JSON.stringify(certificate)}: fill it with \`pulumi config set altinn-iac:selfServiceCertificate --stack ${pulumi.getStack()} < business-certificate-chain.pem\` (or remove the key and pass ALTINN_IAC_SELF_SERVICE_CERTIFICATE in the environment)`,
        ].join("\n"),
      );
    },
  );

  it("are the local demo, the example org's test and prod, and a second org", () => {
    expect(committed).toStrictEqual(["brg-test", "local", "prod", "test"]);
  });

  it.each(["local", "test"])("%s: wires one org's setup in order, unprotected", async (stack) => {
    const resources = await registeredResources(filled(stackFileConfig(stack)));
    const resource = stack === "local" ? "digdir-iac-demo-melding" : "digdir-melding";
    const list = stack === "local" ? "digdir-demo-mottakere" : "digdir-mottakere";
    expect(graph(resources)).toStrictEqual([
      "ServiceOwnerSetup mock-org",
      "ServiceOwnerPreflight digdir-preflight parent=mock-org",
      `AltinnResource ${resource} parent=mock-org after=digdir-preflight`,
      `ResourcePolicy ${resource}-policy parent=mock-org after=${resource}`,
      `AccessList ${list} parent=mock-org after=digdir-preflight,${resource}`,
      // The owner's subscription comes before the mode: Events refuses it once the mode is on.
      ...(stack === "local"
        ? [
            `EventSubscription demo-melding-events parent=mock-org after=${resource},${resource}-policy`,
            `ResourceAccessListMode ${resource}-access-list-mode parent=mock-org after=${resource},${list},demo-melding-events`,
          ]
        : [
            `ResourceAccessListMode ${resource}-access-list-mode parent=mock-org after=${resource},${list}`,
          ]),
      "MaskinportenClient melding-sender parent=mock-org after=digdir-preflight",
      "MaskinportenClientKey melding-sender-key parent=mock-org",
      ...(stack === "local"
        ? [
            `CorrespondenceVerification ${resource}-verification parent=mock-org after=${resource},${resource}-policy,${list},${resource}-access-list-mode,melding-sender-key,demo-melding-events`,
          ]
        : []),
    ]);
    expect(inputsOf(resources, "digdir-preflight")).toStrictEqual({
      orgCode: "digdir",
      orgNumber: "991825827",
      scopes: [
        ...(stack === "local" ? ["altinn:events.subscribe"] : []),
        "altinn:resourceregistry/accesslist.write",
        "altinn:resourceregistry/resource.write",
        ...(stack === "local" ? ["altinn:serviceowner"] : []),
      ],
      selfService: true,
    });
    expect(inputsOf(resources, resource)).toMatchObject({
      identifier: resource,
      hasCompetentAuthority: { organization: "991825827", orgcode: "digdir" },
      accessListModeManagedSeparately: true,
    });
    expect(inputsOf(resources, resource)).not.toHaveProperty("accessListMode");
    expect(inputsOf(resources, `${resource}-access-list-mode`)).toStrictEqual({
      resourceIdentifier: resource,
      mode: "Enabled",
    });
    expect(inputsOf(resources, "melding-sender")).toStrictEqual({
      clientName: stack === "local" ? "altinn-iac demo melding sender" : "digdir melding sender",
      description:
        stack === "local"
          ? "Sends the demo messages of the altinn-iac local stack"
          : "Sends digdir's messages through Altinn Correspondence",
      scopes: [
        "altinn:serviceowner",
        "altinn:correspondence.write",
        ...(stack === "local" ? ["altinn:events.subscribe"] : []),
      ],
    });
    expect(inputsOf(resources, "melding-sender-key")).toStrictEqual({ clientId: "<output>" });
  });

  it("prod: protects every object and retains registry resources on destroy", async () => {
    const resources = await registeredResources(filled(stackFileConfig("prod")));
    expect(graph(resources)).toStrictEqual([
      "ServiceOwnerSetup mock-org",
      "ServiceOwnerPreflight digdir-preflight parent=mock-org",
      "AltinnResource digdir-melding parent=mock-org protect retain after=digdir-preflight",
      "ResourcePolicy digdir-melding-policy parent=mock-org protect after=digdir-melding",
      "AccessList digdir-mottakere parent=mock-org protect after=digdir-preflight,digdir-melding",
      "ResourceAccessListMode digdir-melding-access-list-mode parent=mock-org protect after=digdir-melding,digdir-mottakere",
      "MaskinportenClient melding-sender parent=mock-org protect after=digdir-preflight",
      "MaskinportenClientKey melding-sender-key parent=mock-org protect",
    ]);
  });

  it("brg-test: another org's setup from one stack file", async () => {
    const resources = await registeredResources(filled(stackFileConfig("brg-test")));
    expect(graph(resources)).toStrictEqual([
      "ServiceOwnerSetup mock-org",
      "ServiceOwnerPreflight brg-preflight parent=mock-org",
      "AltinnResource brg-melding parent=mock-org after=brg-preflight",
      "ResourcePolicy brg-melding-policy parent=mock-org after=brg-melding",
      "AccessList brg-mottakere parent=mock-org after=brg-preflight,brg-melding",
      "ResourceAccessListMode brg-melding-access-list-mode parent=mock-org after=brg-melding,brg-mottakere",
      "MaskinportenClient melding-sender parent=mock-org after=brg-preflight",
      "MaskinportenClientKey melding-sender-key parent=mock-org",
    ]);
    expect(inputsOf(resources, "brg-melding")).toMatchObject({
      hasCompetentAuthority: { organization: "974760673", orgcode: "brg" },
    });
    expect(inputsOf(resources, "brg-melding-policy")).toMatchObject({ owner: "brg" });
  });

  it("test and prod declare the same keys", () => {
    const keys = (stack: string) =>
      Object.keys(
        (
          parse(readFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
            config: object;
          }
        ).config,
      ).sort();
    expect(keys("prod")).toStrictEqual(keys("test"));
  });

  it.each(committed.filter((stack) => stack !== "local"))(
    "%s: carries no salt or secure value, so each team makes it with its own secrets provider",
    (stack) => {
      const text = readFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8");
      expect(text).not.toMatch(/encryptionsalt|secretsprovider|encryptedkey|secure:/);
    },
  );

  it.each(committed)("%s: holds secrets only as secure values", (stack) => {
    const text = readFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8");
    const config = (parse(text) as { config: Record<string, unknown> }).config;
    for (const key of ["altinn-iac:maskinportenPrivateKey", "altinn-iac:selfServicePrivateKey"]) {
      if (key in config) expect(Object.keys(config[key] as object)).toStrictEqual(["secure"]);
    }
    expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  });
});
