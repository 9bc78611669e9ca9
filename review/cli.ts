/**
 * `npm run review -- <preview.jsonl|preview.json> [--stack <name>]`: prints the Markdown summary of
 * a `pulumi preview` for a pull-request comment. Reads standard input when the file is `-`.
 *
 *   PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json --stack test > preview.jsonl
 *   npm run --silent review -- preview.jsonl --stack test > comment.md
 *
 * Exits 1 (after printing the summary) when a production plan deletes or replaces an object the
 * stack file does not list under altinn-iac:acceptChanges; writes nothing but standard output.
 */
import { readFileSync } from "node:fs";
import { parseCommandLine, printHelp, runMain, usageError } from "../cli/command";
import { resolve } from "node:path";
import { parsePreview, renderSummary, unacceptedDestructiveChanges } from "./preview-summary";

const USAGE = "usage: npm run review -- <preview.jsonl|preview.json|-> [--stack <name>]\n";

const HELP = `${USAGE}
Prints the Markdown summary of a pulumi preview for a pull-request comment: per object what
happens and which fields change, policy rules in words, member changes, the plan's warnings.
Make the input with:
  PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json --stack <name> > preview.jsonl
(- reads standard input). --stack names the stack in the summary's title.

Reads: the preview file. Writes: nothing but standard output; no remote call.
Exits: 0, or 1 (after the summary) when a production plan deletes or replaces an object that
altinn-iac:acceptChanges does not list; 2 on a usage or input error.
`;

const REVIEW_COMMAND_LINE = {
  options: { stack: "string" },
  positionals: true,
  usage: `${USAGE}(npm run review -- --help says more)`,
} as const;

function main(argv: string[]): number {
  const parsed = parseCommandLine(REVIEW_COMMAND_LINE, argv);
  if (parsed === "help") return printHelp(HELP);
  const [file, ...extra] = parsed.positionals;
  if (extra.length > 0) throw usageError(REVIEW_COMMAND_LINE, `unexpected ${extra.join(" ")}`);
  if (!file) throw usageError(REVIEW_COMMAND_LINE, "name the preview file");
  const { stack } = parsed.options;
  let text: string;
  try {
    // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
    text = readFileSync(
      file === "-" ? 0 : resolve(process.env.INIT_CWD ?? process.cwd(), file),
      "utf8",
    );
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  let model: ReturnType<typeof parsePreview>;
  try {
    model = parsePreview(text);
  } catch (error) {
    process.stderr.write(
      `${file} is not the JSON of a pulumi preview (${(error as Error).message.split("\n")[0]}): make it with PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json > preview.jsonl\n`,
    );
    return 2;
  }
  process.stdout.write(renderSummary(model, { stack }));
  return unacceptedDestructiveChanges(model).length > 0 ? 1 : 0;
}

runMain(main);
