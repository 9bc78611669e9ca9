import { parseCommandLine, usageError, UsageError } from "../cli/command";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENVIRONMENTS, isProduction, type EnvironmentName } from "../providers/lib/environments";
import {
  DEMO_CLIENT_ID,
  DEMO_ORG,
  DEMO_ORGNR,
  DEMO_SELF_SERVICE_CLIENT_ID,
} from "../simulator/state";
import { environmentMeant } from "./config-issues";

/**
 * The stack file `npm run init` writes for a new org: the structure of the committed example
 * stacks (Pulumi.test.yaml, Pulumi.prod.yaml) with the org's own names, and a REPLACE placeholder
 * wherever only the owner knows the value (program/placeholders.ts: preview names each one and
 * the command that fills it). A local stack gets the simulator's demo clients instead, so it
 * previews at once.
 */

export interface InitOptions {
  org: string;
  environment: EnvironmentName;
  stack: string;
  orgNumber?: string;
  secretsProvider: string;
}

export const INIT_HELP = `usage: npm run init -- --org <code> --env <local|test|prod> [--stack <name>]
                      [--org-number <9 digits>] [--secrets-provider <provider>]

Makes a new stack for an org: writes Pulumi.<stack>.yaml (default stack name <org>-<env>) with
the structure of the example stacks, one resource with its access policy, an access list, a
Maskinporten client for the sending application and the verification settings, and creates the
stack in the backend with its secrets provider (\`pulumi stack init --secrets-provider\`).

test and prod: every value only you know is a placeholder starting with REPLACE (client ids,
keys, certificate, organisation number, support e-mail, recipients); \`npm run pulumi -- preview
--stack <name>\` lists each one with the command that fills it. \`npm run requests -- --stack
<name>\` prints the requests to Altinn and Digdir for the clients and scopes it needs.
local: the simulator's demo clients (they act for digdir, so --org digdir), ready to preview.

--secrets-provider  passphrase (default: PULUMI_CONFIG_PASSPHRASE or _FILE must be set), or a key
                    in a key vault: awskms://..., azurekeyvault://..., gcpkms://..., hashivault://...
Reads:  the backend (PULUMI_BACKEND_URL or your pulumi login; the demo's file backend otherwise).
Writes: Pulumi.<stack>.yaml (never over an existing file) and the new stack in the backend; for
        local, the demo clients' private keys as secrets of the stack.
Exits:  0 made; 1 pulumi failed (the file it wrote is removed); 2 usage, an existing stack file, or
        no passphrase for the passphrase provider.`;

const INIT_COMMAND_LINE = {
  options: {
    org: "string",
    env: "string",
    stack: "string",
    "org-number": "string",
    "secrets-provider": "string",
  },
  usage: `\n${INIT_HELP}`,
  unknownArgument: (arg: string) => `unknown argument "${arg}"`,
} as const;

export function parseInitArgs(argv: string[]): InitOptions | "help" {
  const parsed = parseCommandLine(INIT_COMMAND_LINE, argv);
  if (parsed === "help") return "help";
  const given = parsed.options;
  const org = given.org;
  if (!org) {
    throw usageError(
      INIT_COMMAND_LINE,
      "--org is required: the org code Altinn gave you, such as brg",
    );
  }
  if (!/^[a-z][a-z0-9]{1,19}$/.test(org)) {
    throw new UsageError(
      `--org ${org}: an Altinn org code is lower-case letters and digits, such as digdir or brg`,
    );
  }
  const rawEnvironment = given.env;
  if (!rawEnvironment) throw new UsageError(`--env is required: local, test or prod`);
  const environment = environmentMeant(rawEnvironment);
  if (!environment) {
    throw new UsageError(`--env ${rawEnvironment}: use local (the simulator), test (tt02) or prod`);
  }
  const orgNumber = given["org-number"];
  if (orgNumber !== undefined && !/^\d{9}$/.test(orgNumber)) {
    throw new UsageError(`--org-number ${orgNumber}: an organisation number is 9 digits`);
  }
  const { simulator } = ENVIRONMENTS[environment];
  if (simulator && org !== DEMO_ORG) {
    throw new UsageError(
      `--org ${org} --env local: the simulator's demo clients act for ${DEMO_ORG} (${DEMO_ORGNR}), so a local stack is made for --org ${DEMO_ORG}; make ${org}'s own stack with --env test`,
    );
  }
  const stack = given.stack ?? `${org}-${environment}`;
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    throw new UsageError(`--stack ${stack}: a stack name is letters, digits, _ . and -`);
  }
  return {
    org,
    environment,
    stack,
    ...(orgNumber !== undefined || simulator ? { orgNumber: orgNumber ?? DEMO_ORGNR } : {}),
    secretsProvider: given["secrets-provider"] ?? "passphrase",
  };
}

const DEMO_DIR = join(__dirname, "..", "simulator", "demo");

/** The demo clients' private keys, set as secrets of a local stack after `stack init`. */
export function localSecrets(): Record<string, string> {
  return {
    "altinn-iac:maskinportenPrivateKey": readFileSync(
      join(DEMO_DIR, "demo-provisioner.key.pem"),
      "utf8",
    ),
    "altinn-iac:selfServicePrivateKey": readFileSync(
      join(DEMO_DIR, "demo-business-certificate.key.pem"),
      "utf8",
    ),
  };
}

const quoted = (text: string) => JSON.stringify(text);

const TENOR_PLACEHOLDER = "REPLACE: a Tenor test organisation number (9 digits)";

/** How a new stack file names each environment, and the access list's members it starts with. */
const STACK_FILE_WORDING: Record<
  EnvironmentName,
  { label: string; titleSuffix: string; members: string[] }
> = {
  // The simulator's demo organisations.
  local: {
    label: "the local simulator",
    titleSuffix: " (simulator)",
    members: ["310654321", "311987654"],
  },
  test: {
    label: "Altinn tt02 and Maskinporten test",
    titleSuffix: " (test)",
    members: [TENOR_PLACEHOLDER],
  },
  prod: {
    label: "production",
    titleSuffix: "",
    members: ["REPLACE: the organisation number of a recipient (9 digits)"],
  },
};

/** The new stack file's text. */
export function stackFileText(options: InitOptions): string {
  const { org, environment, stack } = options;
  const local = ENVIRONMENTS[environment].simulator;
  const { label, titleSuffix: suffix, members: startMembers } = STACK_FILE_WORDING[environment];
  const number = options.orgNumber ?? `REPLACE: ${org}'s organisation number (9 digits)`;
  // verify's recipient must be on the access list.
  const recipient = startMembers[0]!;
  const members = `[${startMembers.map(quoted).join(", ")}]`;
  const certificate = local
    ? `|-\n${readFileSync(join(DEMO_DIR, "demo-business-certificate.pem"), "utf8")
        .trim()
        .split("\n")
        .map((line) => `    ${line}`)
        .join("\n")}`
    : quoted(`REPLACE: the ${environment} business certificate chain (PEM)`);
  const credentials = local
    ? `  # The simulator's demo clients (simulator/demo): their private keys were set as secrets.
  altinn-iac:simulatorUrl: http://127.0.0.1:5055
  altinn-iac:maskinportenClientId: ${DEMO_CLIENT_ID}
  altinn-iac:maskinportenKeyId: altinn-iac-local-demo
  altinn-iac:selfServiceClientId: ${DEMO_SELF_SERVICE_CLIENT_ID}
  altinn-iac:selfServiceCertificate: ${certificate}`
    : `  # The provisioning Maskinporten client (Samarbeidsportalen; its scopes come from Altinn, see
  # \`npm run requests -- --stack ${stack}\`) and the kid of its registered key.
  altinn-iac:maskinportenClientId: ${quoted("REPLACE: the provisioning client's client_id")}
  altinn-iac:maskinportenKeyId: ${quoted("REPLACE: the kid of the provisioning client's key")}
  altinn-iac:maskinportenPrivateKey: ${quoted("REPLACE: its private key, set with --secret")}
  # Digdir's self-service admin client (idporten:dcr.read, idporten:dcr.write), signing with the
  # business certificate (virksomhetssertifikat); a .p12: openssl pkcs12 -in cert.p12 -nodes
  altinn-iac:selfServiceClientId: ${quoted("REPLACE: the self-service admin client's client_id")}
  altinn-iac:selfServiceCertificate: ${certificate}
  altinn-iac:selfServicePrivateKey: ${quoted("REPLACE: the business certificate's private key, set with --secret")}`;
  // verify sends a real message: a production stack starts without one.
  const verification = isProduction(environment)
    ? ""
    : `  # What \`npm run verify -- --stack ${stack}\` sends: a test message to this recipient, who must be on
  # the access list (runOnUp: true also sends it at the end of every up that changes the chain).
  altinn-iac:verification:
    client: melding-sender
    resource: ${org}-melding
    recipient: ${quoted(recipient)}
    runOnUp: ${local}
`;
  return `# ${org}'s Altinn Correspondence setup in ${label}, made by \`npm run init\` (docs/getting-started.md).
# Every value that starts with REPLACE is a placeholder: \`npm run pulumi -- preview --stack ${stack}\`
# names each one and the command that fills it. Private keys only with \`pulumi config set --secret\`.
config:
  altinn-iac:environment: ${environment}
  altinn-iac:org:
    code: ${org}
    number: ${quoted(number)}
${credentials}
  altinn-iac:resources:
    - identifier: ${org}-melding
      title:
        nb: Melding fra ${org}${suffix}
        nn: Melding frå ${org}${suffix}
        en: Message from ${org}${suffix}
      description:
        nb: Meldinger fra ${org} til virksomheter.
        nn: Meldingar frå ${org} til verksemder.
        en: Messages from ${org} to organisations.
      rightDescription:
        nb: Gir tilgang til å lese meldinger fra ${org}.
        nn: Gir tilgang til å lese meldingar frå ${org}.
        en: Grants access to read messages from ${org}.
      contactPoints:
        - category: Support
          email: ${quoted(local ? "servicedesk@example.org" : "REPLACE: your support e-mail address")}
          telephone: ""
          contactPage: ""
      # Only organisations on the access list below may read, switched on after the list exists.
      accessListMode: Enabled
      policy:
        template: correspondence
        recipients:
          roles: [DAGL]
          accessPackages: [ordinaer-post-til-virksomheten]
        authenticationLevel: 3
  altinn-iac:accessLists:
    - identifier: ${org}-mottakere
      name: Recipients of ${org}'s messages
      description: Organisations that receive messages from ${org}
      members: ${members}
      resources:
        - identifier: ${org}-melding
          # subscribe: with accessListMode Enabled, Events asks the list for each event's recipient.
          actionFilters: [read, subscribe]
  # The events of your messages (published, read, ...) delivered to your endpoint.
  altinn-iac:subscriptions:
    - name: melding-events
      resource: ${org}-melding
      endPoint: ${quoted(local ? "http://127.0.0.1:5055/webhooks/melding-events" : "REPLACE: your https endpoint that receives Altinn Events")}
  # The sending application's client: its key is a secret output,
  # \`npm run client-key -- --stack ${stack} --client melding-sender --out sender-key.pem\`.
  altinn-iac:maskinportenClients:
    - name: melding-sender
      clientName: ${org} melding sender
      description: Sends ${org}'s messages through Altinn Correspondence
      scopes:
        - altinn:serviceowner
        - altinn:correspondence.write
        # to check the resource's events after a test message (npm run verify)
        - altinn:events.subscribe
${verification}`;
}
