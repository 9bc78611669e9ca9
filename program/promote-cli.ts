import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine, printHelp, runMain, usageError } from "../cli/command";
import { promoteStack, stackEnvironment } from "./promote-stack";
import { unifiedDiff } from "./text-diff";

export const PROMOTE_HELP = `usage: npm run promote -- --from <stack> --to <stack> [--dry-run] [--overwrite-target-values]

Carries the setup of one stack file into another, object by object (resources and access lists by
identifier, clients and subscriptions by name): policies, access-list modes, connections, scopes
and event types come from the source; what belongs to the target's environment is kept as the
target has it: titles and texts, contact points, list members, client names, client ids and keys,
subscription endpoints, verification, protect and every credential. Objects only the target
declares are kept. A new object gets the source's entry without client ids, keys, adoption flags
and test organisations, each reported as "not mapped:".

Reads:  Pulumi.<from>.yaml and Pulumi.<to>.yaml (no secret is decrypted or copied).
Writes: Pulumi.<to>.yaml, keeping its comments; new entries in block style. Nothing remote, no
        state: review the printed diff, then run pulumi preview --stack <to>.
Prints: the change to Pulumi.<to>.yaml as a diff on stdout; "kept:" (the target's values that
        differ from the source's) and "not mapped:" (what a person must set) on stderr.
Refuses (exit 2, nothing written): a target with no stack file (create it first with pulumi stack
        init), and a stack file whose altinn-iac:environment contradicts its name (a prod file
        with environment test).

Options:
  --from <stack>              the source stack, such as test
  --to <stack>                the target stack, such as prod
  --dry-run                   print the diff and the reports, write nothing
  --overwrite-target-values   take the source's titles, texts, contact points, members, client
                              names and endpoints over the target's (never client ids, keys,
                              credentials or test organisations; never empties a member list)
  --help                      print this text and exit

Exit codes: 0 done (or nothing to change); 2 bad arguments or a refused target.
`;

export interface PromoteArgs {
  from: string;
  to: string;
  dryRun: boolean;
  overwriteTargetValues: boolean;
}

const PROMOTE_COMMAND_LINE = {
  options: {
    from: "string",
    to: "string",
    "dry-run": "boolean",
    "overwrite-target-values": "boolean",
  },
  usage: PROMOTE_HELP.split("\n")[0]!,
} as const;

/** The arguments, or "help"; throws a usage error naming what is wrong. */
export function parseArgs(argv: string[]): PromoteArgs | "help" {
  const parsed = parseCommandLine(PROMOTE_COMMAND_LINE, argv);
  if (parsed === "help") return "help";
  const { from, to } = parsed.options;
  if (!from || !to) {
    throw usageError(PROMOTE_COMMAND_LINE, "--from <stack> and --to <stack> are required");
  }
  if (from === to) {
    throw usageError(PROMOTE_COMMAND_LINE, `--from and --to name the same stack (${from})`);
  }
  return {
    from,
    to,
    dryRun: parsed.options["dry-run"] === true,
    overwriteTargetValues: parsed.options["overwrite-target-values"] === true,
  };
}

export function main(argv: string[], cwd: string = process.cwd()): number {
  const args = parseArgs(argv);
  if (args === "help") return printHelp(PROMOTE_HELP);
  const read = (stack: string) => {
    const file = join(cwd, `Pulumi.${stack}.yaml`);
    return { file, text: existsSync(file) ? readFileSync(file, "utf8") : undefined };
  };
  const source = read(args.from);
  const target = read(args.to);
  stackEnvironment(args.from, source.text);
  const environment = stackEnvironment(args.to, target.text);
  const result = promoteStack(source.text!, target.text!, {
    environment,
    overwriteTargetValues: args.overwriteTargetValues,
  });
  process.stdout.write(unifiedDiff(target.text!, result.text, `Pulumi.${args.to}.yaml`));
  const changed = result.text !== target.text;
  if (changed && !args.dryRun) writeFileSync(target.file, result.text);
  console.error(
    !changed
      ? `${target.file} already holds the setup of ${source.file}: nothing to write`
      : args.dryRun
        ? `dry run, nothing written: the diff above is what promote would write to ${target.file}`
        : `wrote ${target.file} from ${source.file}: review the diff above, then run pulumi preview --stack ${args.to}`,
  );
  for (const line of result.kept) console.error(`kept: ${line}`);
  for (const line of result.unmapped) console.error(`not mapped: ${line}`);
  return 0;
}

// A refused target is a usage error too (exit 2, as PROMOTE_HELP says).
if (require.main === module) runMain(main, 2);
