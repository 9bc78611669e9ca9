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

function main(argv: string[]): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  const unknown = argv.find(
    (a, i) => a.startsWith("-") && a !== "-" && a !== "--stack" && argv[i - 1] !== "--stack",
  );
  if (unknown) {
    process.stderr.write(
      `unknown option ${unknown}\n${USAGE}(npm run review -- --help says more)\n`,
    );
    return 2;
  }
  const file = argv.find((a, i) => (a === "-" || !a.startsWith("-")) && argv[i - 1] !== "--stack");
  const stackIndex = argv.indexOf("--stack");
  const stack = stackIndex >= 0 ? argv[stackIndex + 1] : undefined;
  if (!file) {
    process.stderr.write(`name the preview file\n${USAGE}(npm run review -- --help says more)\n`);
    return 2;
  }
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

process.exitCode = main(process.argv.slice(2));
