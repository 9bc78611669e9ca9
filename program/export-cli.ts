import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { createContext } from "../providers/lib/context";
import { CONFIG_KEYS, settingsFromConfig } from "../providers/lib/settings";
import { exportSetup, withoutIncluded, writeSetup } from "./export-setup";
import { INCLUDE_KEY, readIncludes, type IncludedFile } from "./include";
import { orgOf, readStackValues } from "./stack-values";

/**
 * `npm run export -- --stack <name> [--dry-run]`: reads the live setup of the stack's org in the
 * stack's environment, with the stack's own credentials, and writes it into Pulumi.<name>.yaml as
 * resources, accessLists and maskinportenClients with their adoption opt-in, keeping every other
 * key. `--dry-run` prints the setup instead. What could not be mapped is printed on stderr. The
 * stack's backend and passphrase come from the environment, as for any `pulumi` command. Objects
 * the stack's included files (`altinn-iac:include`) declare are left out of the stack file, so
 * nothing is declared twice; the included files are not written.
 */

export function parseArgs(argv: string[]): { stack: string; dryRun: boolean } {
  const at = argv.indexOf("--stack");
  const stack = at >= 0 ? argv[at + 1] : undefined;
  if (!stack) throw new Error("usage: npm run export -- --stack <name> [--dry-run]");
  return { stack, dryRun: argv.includes("--dry-run") };
}

/** The stack's included files, read before any call so a broken one stops the export. */
function includedFiles(values: Map<string, string>): IncludedFile[] {
  const raw = values.get(INCLUDE_KEY);
  if (raw === undefined) return [];
  let include: unknown = raw;
  try {
    include = JSON.parse(raw);
  } catch {
    // Not JSON: readIncludes names the value and the expected shape.
  }
  const { files, problems } = readIncludes(include, process.cwd());
  if (problems.length > 0) {
    throw new Error(`the stack's included files are invalid:\n${problems.join("\n")}`);
  }
  return files;
}

async function main(): Promise<number> {
  const { stack, dryRun } = parseArgs(process.argv.slice(2));
  const values = readStackValues(stack);
  const settings = settingsFromConfig((key) => values.get(key));
  const ctx = createContext(settings, { warn: (message) => console.error(message) });
  const ownClientIds = [
    values.get(CONFIG_KEYS.clientId),
    values.get(CONFIG_KEYS.selfServiceClientId),
  ].filter((id): id is string => id !== undefined);
  const files = includedFiles(values);
  const exported = await exportSetup(ctx, { org: orgOf(values), ownClientIds });
  const { setup, notes: left } = withoutIncluded(exported.setup, files);
  const notes = [...exported.notes, ...left];
  if (dryRun) {
    process.stdout.write(
      stringify({
        config: Object.fromEntries(Object.entries(setup).map(([k, v]) => [`altinn-iac:${k}`, v])),
      }),
    );
  } else {
    const file = join(process.cwd(), `Pulumi.${stack}.yaml`);
    writeFileSync(file, writeSetup(readFileSync(file, "utf8"), setup));
    console.error(
      `wrote ${setup.resources.length} resource(s), ${setup.accessLists.length} access list(s), ` +
        `${setup.subscriptions.length} subscription(s)` +
        (setup.maskinportenClients ? ` and ${setup.maskinportenClients.length} client(s)` : "") +
        ` of ${settings.environment} to ${file}: run pulumi preview to see what up adopts`,
    );
  }
  for (const note of notes) console.error(`note: ${note}`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
