import { existsSync } from "node:fs";
import { join } from "node:path";
import { requestTexts, stackFacts, type Language } from "./init-requests";
import { stackFileValues } from "./stack-values";

export const REQUESTS_HELP = `usage: npm run requests -- --stack <name> [--lang nb|en]

Prints the e-mails a stack needs sent before its first preview can pass, made from its stack
file: to servicedesk@altinn.no for the Altinn scopes of its objects and of the clients it makes
(and enabling the org as a service owner in the environment), and to servicedesk@digdir.no for
the self-service admin client when it manages Maskinporten clients; then the step done in
Samarbeidsportalen. Fill in the <...> parts and send them. Default language: Norwegian bokmål.

Reads:  Pulumi.<name>.yaml (its plain values only: no backend or passphrase needed).
Writes: nothing (the texts go to stdout).
Exits:  0 printed; 2 usage or no such stack file.`;

export function main(argv: string[], cwd: string = process.cwd()): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(REQUESTS_HELP);
    return 0;
  }
  let stack: string | undefined;
  let language: Language = "nb";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === "--stack" && value && !value.startsWith("--")) stack = argv[++i];
    else if (arg === "--lang" && (value === "nb" || value === "en")) {
      language = value;
      i++;
    } else {
      console.error(`unknown or incomplete argument "${arg}"\n\n${REQUESTS_HELP}`);
      return 2;
    }
  }
  if (!stack) {
    console.error(`--stack is required\n\n${REQUESTS_HELP}`);
    return 2;
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

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
