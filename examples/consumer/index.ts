/**
 * One org's Correspondence setup, declared in a Pulumi program of your own with the altinn-iac
 * package: a resource with its access policy and an access list of recipients, against the
 * Altinn simulator (environment `local`). For tt02 or production, give the connection
 * `environment: "test"` or `"prod"` and your own provisioning client.
 */
import * as pulumi from "@pulumi/pulumi";
import * as altinn from "altinn-iac";

const config = new pulumi.Config();

const connection = new altinn.AltinnConnection("altinn", {
  environment: "local",
  simulatorUrl: config.require("simulatorUrl"),
  maskinporten: {
    // The simulator's demo provisioning client (simulator/demo/README.md).
    clientId: "altinn-iac-local-provisioner",
    keyId: "altinn-iac-local-demo",
    privateKey: config.requireSecret("provisioningKey"),
  },
});

const setup = new altinn.ServiceOwnerSetup(
  "digdir",
  {
    config: altinn.serviceOwnerConfig({
      environment: "local",
      org: { code: "digdir", number: "991825827" },
      resources: [
        {
          identifier: "digdir-platform-example",
          title: { nb: "Eksempelmelding", nn: "Eksempelmelding", en: "Example message" },
          description: {
            nb: "Meldinger fra plattformteamets eksempel.",
            nn: "Meldingar frå plattformteamet sitt eksempel.",
            en: "Messages from the platform team's example.",
          },
          rightDescription: {
            nb: "Gir tilgang til å lese eksempelmeldinger.",
            nn: "Gir tilgang til å lese eksempelmeldingar.",
            en: "Grants access to read example messages.",
          },
          contactPoints: [{ category: "Support", email: "servicedesk@example.org" }],
          policy: {
            template: "correspondence",
            recipients: { roles: ["DAGL"], accessPackages: ["ordinaer-post-til-virksomheten"] },
            authenticationLevel: 3,
          },
        },
      ],
      accessLists: [
        {
          identifier: "digdir-platform-example-recipients",
          name: "Example recipients",
          description: "Organisations that receive the example messages",
          members: ["310654321"],
          resources: [{ identifier: "digdir-platform-example", actionFilters: ["read"] }],
        },
      ],
    }),
  },
  // Every resource of the setup reaches Altinn through this connection.
  { providers: [connection] },
);

export const resourceUrn = setup.resources.get("digdir-platform-example")!.resourceUrn;
export const accessLists = [...setup.accessLists.keys()];
