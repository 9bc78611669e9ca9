import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine, printHelp, runMain, usageError } from "../cli/command";
import { createContext } from "../providers/auth/context";
import { CONFIG_KEYS, settingsFromConfig } from "../providers/lib/settings";
import { mergeSetup, type MergeOptions } from "./export-merge";
import { exportSetup } from "./export-setup";
import { INCLUDE_KEY, readIncludes, type IncludedFile } from "./include";
import { orgOf, readStackValues } from "./stack-values";
import { usePulumiEngine } from "../cli/pulumi-engine";
import { unifiedDiff } from "./text-diff";

export const EXPORT_HELP = `usage: npm run export -- --stack <name> [--dry-run] [--overwrite-differences]

Reads the live setup of the stack's org in the stack's environment (resources and their policies,
access lists with members and connections, Maskinporten clients and their keys, Events
subscriptions) with the stack's own credentials, and merges it into Pulumi.<name>.yaml:
  - every object the stack file or its included files declare keeps its logical name, its form
    (a template: policy, key order) and its comments; live objects are matched to declared ones by
    natural key (resource or access-list identifier, client_id or clientName, subscription id or
    endpoint and filters), never by logical name
  - what is live and not declared is added, with its adoption opt-in (adopt: true, clientId),
    unless the stack manages it (removed from the file: the next up deletes it, as review says)
  - what differs between a declared object and the live one is listed under "review:" and left
    as declared: the next pulumi up makes the live object as declared

Reads:  Pulumi.<name>.yaml and its included files; the stack's config (pulumi config
        --show-secrets) and outputs (pulumi stack output); the live setup, with GET calls only.
        The backend and passphrase come from the environment, as for any pulumi command.
Writes: Pulumi.<name>.yaml, only when something is added or overwritten. Never an included file,
        a remote object or the stack's state.
Prints: the change to the stack file as a diff on stdout; what was added, kept, the review list
        and notes on stderr.

Options:
  --stack <name>            the stack (required)
  --dry-run                 print the diff and the review list, write nothing
  --overwrite-differences   write the live value over each declared value that differs (entries
                            of the stack file only; names, comments and other fields are kept)
  --help                    print this text and exit

Exit codes: 0 done (differences are reported, not errors); 2 bad arguments, an invalid stack
config or included file, or a failed read (nothing is written).
`;

export interface ExportArgs {
  stack: string;
  dryRun: boolean;
  overwriteDifferences: boolean;
}

const EXPORT_COMMAND_LINE = {
  options: { stack: "string", "dry-run": "boolean", "overwrite-differences": "boolean" },
  usage: EXPORT_HELP.split("\n")[0]!,
} as const;

/** The arguments, or "help"; throws a usage error naming what is wrong. */
export function parseArgs(argv: string[]): ExportArgs | "help" {
  const parsed = parseCommandLine(EXPORT_COMMAND_LINE, argv);
  if (parsed === "help") return "help";
  const {
    stack,
    "dry-run": dryRun,
    "overwrite-differences": overwriteDifferences,
  } = parsed.options;
  if (!stack) throw usageError(EXPORT_COMMAND_LINE, "--stack <name> is required");
  return { stack, dryRun: dryRun === true, overwriteDifferences: overwriteDifferences === true };
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

/** What the stack's state holds, from its outputs (index.ts): empty before the first up. */
function managedObjects(stack: string): MergeOptions["managed"] {
  let outputs: Record<string, unknown> = {};
  try {
    outputs = JSON.parse(
      execFileSync("pulumi", ["stack", "output", "--json", "--stack", stack], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }),
    ) as Record<string, unknown>;
  } catch {
    // No outputs yet: every declared object is matched by its natural key alone.
  }
  const byName = (value: unknown, field: string) =>
    new Map(
      Object.entries((value ?? {}) as Record<string, Record<string, unknown>>).flatMap(
        ([name, o]) => (o?.[field] === undefined ? [] : [[name, String(o[field])] as const]),
      ),
    );
  return {
    clients: byName(outputs.maskinportenClients, "clientId"),
    subscriptions: byName(outputs.subscriptions, "id"),
    resources: new Set(Object.keys((outputs.resources ?? {}) as object)),
    accessLists: new Set(Object.keys((outputs.accessLists ?? {}) as object)),
  };
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args === "help") return printHelp(EXPORT_HELP);
  const { stack, dryRun, overwriteDifferences } = args;
  usePulumiEngine(stack);
  const file = join(process.cwd(), `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    throw new Error(
      `${file} does not exist: create the stack first (pulumi stack init ${stack}) and set its environment, org and credentials`,
    );
  }
  const values = readStackValues(stack);
  const settings = settingsFromConfig((key) => values.get(key));
  const ctx = createContext(settings, { warn: (message) => console.error(message) });
  const ownClientIds = [
    values.get(CONFIG_KEYS.clientId),
    values.get(CONFIG_KEYS.selfServiceClientId),
  ].filter((id): id is string => id !== undefined);
  const files = includedFiles(values);
  const org = orgOf(values);
  const exported = await exportSetup(ctx, { org, ownClientIds });
  const before = readFileSync(file, "utf8");
  const merged = mergeSetup(before, exported, files, {
    org,
    overwriteDifferences,
    managed: managedObjects(stack),
  });
  process.stdout.write(unifiedDiff(before, merged.text, `Pulumi.${stack}.yaml`));
  if (!dryRun && merged.text !== before) writeFileSync(file, merged.text);
  console.error(
    `${dryRun ? "dry run, nothing written: would add" : `${file}: added`} ${merged.added.length} object(s) that are live in ${settings.environment} and not declared; kept the ${merged.kept} declared object(s) found live as they are written`,
  );
  for (const line of merged.added) console.error(`added: ${line}`);
  for (const line of merged.overwritten) console.error(`overwritten with the live value: ${line}`);
  if (merged.differences.length > 0) {
    console.error(
      `review: ${merged.differences.length} difference(s) between the declared and the live setup, left as declared (the next up makes the live objects as declared; --overwrite-differences writes the live values into the stack file instead):`,
    );
    for (const line of merged.differences) console.error(`  ${line}`);
  }
  for (const note of [...exported.notes, ...merged.notes]) console.error(`note: ${note}`);
  if (merged.added.length > 0) {
    console.error("run pulumi preview to see what up adopts");
  }
  return 0;
}

// Every failure is the stack's or its setup's to fix (exit 2, as EXPORT_HELP says).
if (require.main === module) runMain(main, 2);
