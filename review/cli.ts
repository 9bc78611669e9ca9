/**
 * `npm run review -- <preview.jsonl|preview.json> [--stack <name>]`: prints the Markdown summary of
 * a `pulumi preview` for a pull-request comment. Reads standard input when the file is `-`.
 *
 *   PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json --stack test > preview.jsonl
 *   npm run --silent review -- preview.jsonl --stack test > comment.md
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parsePreview, renderSummary } from "./preview-summary";

function main(argv: string[]): number {
  const file = argv.find((a, i) => !a.startsWith("--") && argv[i - 1] !== "--stack");
  const stackIndex = argv.indexOf("--stack");
  const stack = stackIndex >= 0 ? argv[stackIndex + 1] : undefined;
  if (!file) {
    process.stderr.write(
      "usage: npm run review -- <preview.jsonl|preview.json|-> [--stack <name>]\n",
    );
    return 2;
  }
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
  const text = readFileSync(
    file === "-" ? 0 : resolve(process.env.INIT_CWD ?? process.cwd(), file),
    "utf8",
  );
  process.stdout.write(renderSummary(parsePreview(text), { stack }));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
