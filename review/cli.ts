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

function main(argv: string[]): number {
  const file = argv.find((a, i) => !a.startsWith("--") && argv[i - 1] !== "--stack");
  const stackIndex = argv.indexOf("--stack");
  const stack = stackIndex >= 0 ? argv[stackIndex + 1] : undefined;
  if (!file) {
    process.stderr.write(
      "usage: npm run review -- <preview.jsonl|preview.json|-> [--stack <name>]\n" +
        "Prints the Markdown summary of a pulumi preview; exits 1 when a production plan deletes or\n" +
        "replaces an object that altinn-iac:acceptChanges does not list. Writes no file.\n",
    );
    return 2;
  }
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
  const text = readFileSync(
    file === "-" ? 0 : resolve(process.env.INIT_CWD ?? process.cwd(), file),
    "utf8",
  );
  const model = parsePreview(text);
  process.stdout.write(renderSummary(model, { stack }));
  return unacceptedDestructiveChanges(model).length > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
