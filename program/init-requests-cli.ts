import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine, printHelp, runMain, usageError } from "../cli/command";
import { requestTexts, stackFacts } from "./init-requests";
import { stackFileValues } from "./stack-values";

export const REQUESTS_HELP = `usage: npm run requests -- --stack <name> [--lang nb|en]

Prints the e-mails a stack needs sent before its first preview can pass, made from its stack
file: to servicedesk@altinn.no for the Altinn scopes of its objects and of the clients it makes
(and enabling the org as a service owner in the environment), and to servicedesk@digdir.no for
the self-service admin client when it manages Maskinporten clients; then the step done in
Samarbeidsportalen. Fill in the <...> parts and send them. Default language: Norwegian bokmål.

Reads:  Pulumi.<name>.yaml (its plain values only: no backend or passphrase needed).
Writes: nothing (the texts go to stdout).
Exits:  0 printed; 1 a stack file it cannot read (such as an unknown environment); 2 usage or
        no such stack file.`;

const REQUESTS_COMMAND_LINE = {
  options: { stack: "string", lang: "string" },
  usage: `\n${REQUESTS_HELP}`,
} as const;

export function main(argv: string[], cwd: string = process.cwd()): number {
  const parsed = parseCommandLine(REQUESTS_COMMAND_LINE, argv);
  if (parsed === "help") return printHelp(REQUESTS_HELP);
  const { stack, lang: language = "nb" } = parsed.options;
  if (!stack) throw usageError(REQUESTS_COMMAND_LINE, "--stack is required");
  if (language !== "nb" && language !== "en") {
    throw usageError(REQUESTS_COMMAND_LINE, `--lang ${language}: write nb or en`);
  }
  const file = join(cwd, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    console.error(
      `there is no stack file ${file}: make it with npm run init -- --org <code> --env test`,
    );
    return 2;
  }
  console.log(requestTexts(stackFacts(stackFileValues(file)), language));
  return 0;
}

if (require.main === module) runMain(main);
