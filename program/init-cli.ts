import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { printHelp, runMain } from "../cli/command";
import { ENVIRONMENTS } from "../providers/lib/environments";
import { findPlaceholders } from "./placeholders";
import { ensurePulumiEngine, LOCAL_STATE_DIR } from "../cli/pulumi-engine";
import { engineConfig, stackFileValues } from "./stack-values";
import { INIT_HELP, localSecrets, parseInitArgs, stackFileText } from "./init-stack";

/** `npm run init`: INIT_HELP says what it reads, writes and exits with. */
export function main(argv: string[], cwd: string = process.cwd()): number {
  const options = parseInitArgs(argv);
  if (options === "help") return printHelp(INIT_HELP);
  const { stack, secretsProvider } = options;
  const file = join(cwd, `Pulumi.${stack}.yaml`);
  if (existsSync(file)) {
    console.error(
      `refused: ${file} exists and is kept as it is. Edit it, or make another stack with --stack <name>`,
    );
    return 2;
  }
  if (
    secretsProvider === "passphrase" &&
    !process.env.PULUMI_CONFIG_PASSPHRASE &&
    !process.env.PULUMI_CONFIG_PASSPHRASE_FILE
  ) {
    console.error(
      "the passphrase secrets provider needs your passphrase: export PULUMI_CONFIG_PASSPHRASE='<your own passphrase>' (keep it in your password manager and in CI's secrets), or use a key vault: --secrets-provider azurekeyvault://<vault>.vault.azure.net/keys/<key> (or awskms://, gcpkms://, hashivault://)",
    );
    return 2;
  }
  const engine = ensurePulumiEngine(stack, process.env, cwd);
  if (engine.set.PULUMI_BACKEND_URL) {
    mkdirSync(join(cwd, LOCAL_STATE_DIR), { recursive: true });
    console.log(
      `state: the demo's file backend ${LOCAL_STATE_DIR} (for a shared one set PULUMI_BACKEND_URL or run pulumi login first)`,
    );
  }
  writeFileSync(file, stackFileText(options), { flag: "wx" });
  const pulumi = (args: string[], input?: string) =>
    spawnSync("pulumi", [...args, "--stack", stack, "--non-interactive"], {
      cwd,
      input,
      encoding: "utf8",
      stdio: [input === undefined ? "ignore" : "pipe", "ignore", "inherit"],
    });
  const created = pulumi(["stack", "init", "--secrets-provider", secretsProvider]);
  if (created.status !== 0) {
    unlinkSync(file);
    console.error(`pulumi stack init ${stack} failed (above); ${file} was removed`);
    return 1;
  }
  if (ENVIRONMENTS[options.environment].simulator) {
    for (const [key, value] of Object.entries(localSecrets())) {
      if (pulumi(["config", "set", "--secret", key], value).status !== 0) {
        console.error(`setting ${key} failed (above): set it with pulumi config set --secret`);
        return 1;
      }
    }
  }
  console.log(`wrote ${file} and made stack ${stack} (secrets provider: ${secretsProvider})`);
  const placeholders = findPlaceholders(engineConfig(stackFileValues(file)), stack);
  if (placeholders.length > 0) {
    console.log(
      `next: fill its ${placeholders.length} placeholders (REPLACE ...): npm run pulumi -- preview --stack ${stack} lists each with its command;`,
    );
    console.log(
      `      npm run requests -- --stack ${stack} prints what to ask Altinn and Digdir for (docs/getting-started.md)`,
    );
  } else {
    console.log(`next: npm run pulumi -- preview --stack ${stack}`);
  }
  return 0;
}

if (require.main === module) runMain(main);
