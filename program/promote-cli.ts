import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promoteStack } from "./promote-stack";

/**
 * `npm run promote -- --from <test stack> --to <prod stack>`: writes Pulumi.<to>.yaml with the
 * setup of Pulumi.<from>.yaml for production, keeping the target's credentials and secrets, and
 * prints what it could not map. Works on the stack files only: no secret is decrypted or copied.
 */
export function parseArgs(argv: string[]): { from: string; to: string } {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const from = value("--from");
  const to = value("--to");
  if (!from || !to) throw new Error("usage: npm run promote -- --from <stack> --to <stack>");
  return { from, to };
}

function main(): number {
  const { from, to } = parseArgs(process.argv.slice(2));
  const source = join(process.cwd(), `Pulumi.${from}.yaml`);
  const target = join(process.cwd(), `Pulumi.${to}.yaml`);
  const result = promoteStack(
    readFileSync(source, "utf8"),
    existsSync(target) ? readFileSync(target, "utf8") : undefined,
  );
  writeFileSync(target, result.text);
  console.log(`wrote ${target} from ${source}`);
  for (const line of result.unmapped) console.log(`not mapped: ${line}`);
  return 0;
}

if (require.main === module) {
  try {
    process.exit(main());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
}
