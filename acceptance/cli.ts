import { existsSync } from "node:fs";
import { join } from "node:path";
import { createContext } from "../providers/auth/context";
import {
  CREDENTIAL_ENV,
  hasSelfServiceCredentials,
  settingsFromConfig,
  type ProviderSettings,
} from "../providers/lib/settings";
import { orgOf, readStackValues, stackFileValues } from "../program/stack-values";
import { usePulumiEngine } from "../cli/pulumi-engine";
import { sweep } from "./remote";
import { runAcceptance } from "./run";
import { acceptanceSetups, newRunId, prefixPattern, runPrefix } from "./setup";

export const HELP = `usage: npm run acceptance -- [--stack <name>] [--endpoint <url>] [--member <orgnr>]...
       npm run acceptance -- --sweep [--stack <name>]

The acceptance tier: proves the providers against the real APIs of the stack's environment
(test: Altinn tt02, Maskinporten test, Digdir self-service test; local: the simulator).

A run creates one object of every kind, named <org>-iacacc-<run id>-*: a resource with its
policy, an access list with a member and a connection, a Maskinporten client with its key and an
Events subscription. It runs up, preview (no change), refresh (no change), a change and destroy
with the Pulumi engine, and after each step reads the objects back through the API clients.
--sweep deletes every object of the stack's org whose name has that prefix (the leftovers of
failed runs) and nothing else. Do not sweep while a run is going on.

Reads:  Pulumi.<name>.yaml (default: test) with \`pulumi config --show-secrets\` (the stack's
        PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE; only its plain values when that fails)
        for the environment, org, endpoints and credentials; ALTINN_IAC_MASKINPORTEN_* and
        ALTINN_IAC_SELF_SERVICE_* credentials from the environment where the stack has none.
        --endpoint: an https URL that answers Events' validation with 2xx (default: local, the
        simulator's receiver; otherwise the stack's first subscription's endPoint).
        --member: organisation numbers known in the environment, one to start with, a second for
        the change (default: the members of the stack's first access list).
Writes: remote objects named <org>-iacacc-<run id>-*, removed by the run's destroy (or --sweep);
        a throwaway stack acceptance-<run id> (Pulumi.acceptance-<run id>.yaml and a temporary
        file backend), removed at the end. Never the stack named by --stack, its state or its
        objects. Refuses the prod environment.
Exits:  0 passed, swept, or skipped because the stack has no credentials (it says so);
        1 a step or a remote check failed, or the sweeper could not remove an object (it names it);
        2 usage, an unknown stack, a refused environment or a missing --endpoint / --member.`;

export interface Args {
  stack: string;
  sweep: boolean;
  endpoint?: string;
  members: string[];
}

export function parseArgs(argv: string[]): Args | "help" {
  const args: Args = { stack: "test", sweep: false, members: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === "--help" || arg === "-h") return "help";
    else if (arg === "--sweep") args.sweep = true;
    else if (arg === "--stack") args.stack = value();
    else if (arg === "--endpoint") args.endpoint = value();
    else if (arg === "--member") {
      const member = value();
      if (!/^\d{9}$/.test(member)) {
        throw new UsageError(`--member ${member} is not an organisation number (9 digits)`);
      }
      args.members.push(member);
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  return args;
}

class UsageError extends Error {}

/** A value read from the stack config; its problem is the user's to fix (exit 2). */
function configured<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The stack's values and, when its secrets could not be read, why. */
function sourceValues(stack: string): { values: Map<string, string>; unread?: string } {
  const file = join(process.cwd(), `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw new UsageError(`there is no stack file ${file}`);
  let values: Map<string, string>;
  let unread: string | undefined;
  try {
    values = readStackValues(stack);
  } catch (error) {
    values = stackFileValues(file);
    unread = (error as Error).message.split("\n")[0];
  }
  // The example stack files hold "REPLACE ..." where the owner's own values go.
  for (const [key, value] of values) if (/^REPLACE\b/.test(value)) values.delete(key);
  return { values, ...(unread ? { unread } : {}) };
}

/** What credentials the stack lacks, as the keys to set; empty when it has them all. */
function missingCredentials(settings: ProviderSettings): string[] {
  const missing: string[] = [];
  if (!settings.credentials) {
    missing.push(
      `the provisioning client (altinn-iac:maskinportenClientId and maskinportenPrivateKey, or ${CREDENTIAL_ENV.clientId} and ${CREDENTIAL_ENV.privateKey})`,
    );
  }
  if (!hasSelfServiceCredentials(settings)) {
    missing.push(
      `the self-service admin client (altinn-iac:selfServiceClientId, selfServiceCertificate and selfServicePrivateKey, or ${CREDENTIAL_ENV.selfServiceClientId}, ${CREDENTIAL_ENV.selfServiceCertificate} and ${CREDENTIAL_ENV.selfServicePrivateKey})`,
    );
  }
  return missing;
}

/** The credentials as the ALTINN_IAC_* variables the providers read. */
function credentialEnv(settings: ProviderSettings): NodeJS.ProcessEnv {
  const entries: Array<[string, string | undefined]> = [
    [CREDENTIAL_ENV.clientId, settings.credentials?.clientId],
    [CREDENTIAL_ENV.keyId, settings.credentials?.keyId],
    [CREDENTIAL_ENV.privateKey, settings.credentials?.privateKey],
    [CREDENTIAL_ENV.selfServiceClientId, settings.selfService?.clientId],
    [CREDENTIAL_ENV.selfServiceKeyId, settings.selfService?.keyId],
    [CREDENTIAL_ENV.selfServiceCertificate, settings.selfService?.certificate],
    [CREDENTIAL_ENV.selfServicePrivateKey, settings.selfService?.privateKey],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/** The first entry of a collection in the stack's values (such as its first access list), or {}. */
function firstEntry(values: Map<string, string>, collection: string): Record<string, unknown> {
  try {
    const entries = JSON.parse(values.get(collection) ?? "[]") as unknown;
    return Array.isArray(entries) && entries[0] && typeof entries[0] === "object"
      ? (entries[0] as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args === "help") {
    console.log(HELP);
    return 0;
  }
  usePulumiEngine(args.stack);
  const { values, unread } = sourceValues(args.stack);
  const settings = configured(() => settingsFromConfig((key) => values.get(key)));
  if (settings.environment === "prod") {
    console.error(
      `refused: stack ${args.stack} is in the prod environment. The acceptance tier creates and deletes objects, which it does only in test (tt02) and local; the Resource Registry does not even allow deleting resources in production.`,
    );
    return 2;
  }
  const missing = missingCredentials(settings);
  if (missing.length > 0) {
    console.log(
      `acceptance skipped: stack ${args.stack} (${settings.environment}) has no credentials: set ${missing.join("; ")}` +
        (unread ? ` (its secrets could not be read: ${unread})` : ""),
    );
    return 0;
  }
  const org = configured(() => orgOf(values));
  const ctx = createContext(settings, { warn: (message) => console.error(message) });

  if (args.sweep) {
    console.log(
      `sweeping ${org.code}'s objects named ${runPrefix(org.code, "*")}-* in ${settings.environment}`,
    );
    const result = await sweep(ctx, org.code, prefixPattern(org.code), (line) => console.log(line));
    console.log(
      `swept: ${result.removed.length} removed, ${result.failed.length} could not be removed`,
    );
    return result.failed.length === 0 ? 0 : 1;
  }

  const runId = newRunId();
  const endPoint =
    args.endpoint ??
    (settings.environment === "local"
      ? `${settings.endpoints.platform}/webhooks/${runPrefix(org.code, runId)}`
      : (firstEntry(values, "subscriptions").endPoint as string | undefined));
  if (!endPoint) {
    throw new UsageError(
      "give --endpoint <https URL>: a receiver that answers Events' validation POST with 2xx (the stack declares no subscription to take one from)",
    );
  }
  const declared = (firstEntry(values, "accessLists").members as unknown[] | undefined) ?? [];
  const members = (args.members.length > 0 ? args.members : declared.map(String)).filter((m) =>
    /^\d{9}$/.test(m),
  );
  if (members.length === 0) {
    throw new UsageError(
      "give --member <organisation number>: an organisation known in the environment (in tt02 a Tenor test organisation); the stack's first access list has none to take",
    );
  }
  console.log(`acceptance run ${runId} in ${settings.environment} for ${org.code}`);
  const passed = await runAcceptance({
    ctx,
    org,
    runId,
    baseValues: {
      environment: settings.environment,
      org,
      ...Object.fromEntries(
        ["simulatorUrl", "endpoints", "http"]
          .filter((key) => values.has(key))
          .map((key) => [key, parsedValue(values.get(key)!)]),
      ),
    },
    env: credentialEnv(settings),
    setups: acceptanceSetups({ org, runId, endPoint, members }),
    log: (line) => console.log(line),
  });
  console.log(passed ? "acceptance passed" : "acceptance failed");
  return passed ? 0 : 1;
}

/** A config value as the stack file held it: JSON objects parsed, strings as they are. */
function parsedValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      if (error instanceof UsageError) console.error("see npm run acceptance -- --help");
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
