import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { parseCommandLine, printHelp, runMain, usageError } from "../cli/command";
import { usePulumiEngine } from "../cli/pulumi-engine";

export const CLIENT_KEY_HELP = `usage: npm run client-key -- --stack <name> --client <name> --out <file> [--format pem|jwk]
       npm run -s client-key -- --stack <name> --client <name> --out - | <your secret store's command>

Hands the private key of a Maskinporten client the stack made (altinn-iac:maskinportenClients)
to the application that sends messages with it: finds the client's key resource in the stack's
state (\`pulumi stack output maskinportenClients\`, then \`pulumi stack export --show-secrets\`, the
key decrypted in memory only) and writes the client's key to <file>, created with mode 0600
(readable by you alone). The key is never printed: --out - writes it to stdout
only when stdout is a pipe. The client_id and kid the application also needs are printed.

Reads:  the stack's outputs and state, secrets decrypted in memory (its backend and secrets
        provider, as for any pulumi command).
Writes: <file>, only when it does not exist (a key file is never overwritten).
Exits:  0 written; 1 pulumi failed or the file exists; 2 usage, an unknown client, or a client
        whose key the stack did not make (publicJwk: the key is yours already).`;

interface ClientKey {
  clientId?: string;
  keyId?: string;
  privateKeyPem?: string;
  privateJwk?: string;
}

interface StateResource {
  type?: string;
  outputs?: Record<string, unknown>;
}

const KEY_RESOURCE_TYPE = "pulumi-nodejs:dynamic/altinn:MaskinportenClientKey";
/** How `stack export --show-secrets` writes a decrypted secret (Pulumi's secret signature). */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

function revealed(value: unknown): unknown {
  if (value && typeof value === "object" && SECRET_SIGNATURE in value && "plaintext" in value) {
    return JSON.parse(String((value as { plaintext: unknown }).plaintext));
  }
  return value;
}

/**
 * The key resource of each client the stack names (its output maskinportenClients), read from the
 * state. The key is not a stack output of its own: that would store every private key in the
 * state twice (docs/decisions.md, "The sending application's key").
 */
export function clientKeysFromState(
  clients: Record<string, { clientId?: string; keyId?: string }>,
  resources: StateResource[],
): Record<string, ClientKey> {
  const keyResources = resources
    .filter((resource) => resource.type === KEY_RESOURCE_TYPE)
    .map(
      (resource) =>
        Object.fromEntries(
          Object.entries(resource.outputs ?? {}).map(([name, value]) => [name, revealed(value)]),
        ) as ClientKey,
    );
  return Object.fromEntries(
    Object.entries(clients).map(([name, client]) => {
      const candidates = keyResources.filter((key) => key.clientId === client.clientId);
      const key = candidates.find((candidate) => candidate.keyId === client.keyId) ?? candidates[0];
      return [name, { clientId: client.clientId, keyId: client.keyId, ...key }];
    }),
  );
}

function pulumiJson(args: string[]): unknown {
  return JSON.parse(
    execFileSync("pulumi", args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 256 * 1024 * 1024,
    }),
  );
}

export interface ClientKeyArgs {
  stack: string;
  client: string;
  out: string;
  format: "pem" | "jwk";
}

const CLIENT_KEY_COMMAND_LINE = {
  options: { stack: "string", client: "string", out: "string", format: "string" },
  usage: `\n${CLIENT_KEY_HELP}`,
} as const;

export function parseArgs(argv: string[]): ClientKeyArgs | "help" {
  const parsed = parseCommandLine(CLIENT_KEY_COMMAND_LINE, argv);
  if (parsed === "help") return "help";
  const { stack, client, out, format = "pem" } = parsed.options;
  if (!stack || !client || !out) {
    throw usageError(CLIENT_KEY_COMMAND_LINE, "--stack, --client and --out are required");
  }
  if (format !== "pem" && format !== "jwk") {
    throw usageError(CLIENT_KEY_COMMAND_LINE, `--format ${format}: write pem or jwk`);
  }
  return { stack, client, out, format };
}

export function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (args === "help") return printHelp(CLIENT_KEY_HELP);
  const { stack, client, out, format } = args;
  if (out === "-" && process.stdout.isTTY) {
    console.error(
      "refused: --out - would print the private key on the terminal; pipe it into your secret store, or give a file",
    );
    return 2;
  }
  usePulumiEngine(stack);
  let keys: Record<string, ClientKey>;
  try {
    const clients = pulumiJson([
      "stack",
      "output",
      "maskinportenClients",
      "--json",
      "--stack",
      stack,
    ]);
    const state = pulumiJson(["stack", "export", "--show-secrets", "--stack", stack]) as {
      deployment?: { resources?: StateResource[] };
    };
    keys = clientKeysFromState(
      (clients ?? {}) as Record<string, { clientId?: string; keyId?: string }>,
      state.deployment?.resources ?? [],
    );
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    console.error(
      `reading the keys of stack ${stack} failed: ${stderr || (error as Error).message} (run pulumi up first: the keys are made by up)`,
    );
    return 1;
  }
  const key = keys?.[client];
  if (!key) {
    console.error(
      `stack ${stack} has no client named "${client}": use one of ${Object.keys(keys ?? {}).join(", ") || "(none: run pulumi up first)"}`,
    );
    return 2;
  }
  const text = format === "pem" ? key.privateKeyPem : key.privateJwk;
  if (!text) {
    console.error(
      `client "${client}" has no private key in the stack: it registers a public key you brought (publicJwk), whose private key you hold`,
    );
    return 2;
  }
  const described = `client ${client}: client_id ${key.clientId}, kid ${key.keyId}`;
  if (out === "-") {
    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    console.error(`${described}: private key (${format}) written to stdout`);
    return 0;
  }
  try {
    writeFileSync(out, text.endsWith("\n") ? text : `${text}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      console.error(`refused: ${out} exists and is kept; remove it or give another --out`);
      return 1;
    }
    throw error;
  }
  console.log(`${described}: private key (${format}) written to ${out} (mode 0600)`);
  return 0;
}

if (require.main === module) runMain(main);
