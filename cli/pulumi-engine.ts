import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { version as sdkVersion } from "@pulumi/pulumi/version";

/**
 * The one place that decides which `pulumi` the project's commands run and with which backend:
 * `npm run pulumi`, export, promote, up, verify and acceptance call `usePulumiEngine` before they
 * spawn `pulumi`, so a user who never put the engine on PATH gets the same engine, backend and
 * demo passphrase as `npm run demo`. Whatever the user set explicitly (PATH with an official CLI,
 * PULUMI_BACKEND_URL or a `pulumi login`, PULUMI_CONFIG_PASSPHRASE) is kept.
 */

/** The demo's local stack: its secrets are encrypted with this published passphrase. */
export const LOCAL_STACK = "local";
export const LOCAL_PASSPHRASE = "altinn-iac-local";

/** Where the demo keeps Pulumi's state, relative to the project directory. */
export const LOCAL_STATE_DIR = join(".altinn-iac", "state");

/** The engine version: the SDK's, which scripts/install-engine.sh builds the CLI to match. */
export function engineVersion(): string {
  return sdkVersion;
}

function pulumiHome(env: NodeJS.ProcessEnv): string {
  return env.PULUMI_HOME || join(homedir(), ".pulumi");
}

/** The directory scripts/install-engine.sh builds the engine into. */
export function builtEngineDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(pulumiHome(env), "versions", engineVersion(), "bin");
}

/** The directory of the first `pulumi` on PATH, if any. */
export function pulumiOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (env.PATH ?? "")
    .split(delimiter)
    .find((dir) => dir !== "" && existsSync(join(dir, "pulumi")));
}

/** The file backend the demo uses (metadata=skip: docs/decisions.md, no `.attrs` sidecars). */
export function localBackendUrl(projectDir: string): string {
  return `file://${join(projectDir, LOCAL_STATE_DIR)}?metadata=skip`;
}

/** Whether the user chose a backend: PULUMI_BACKEND_URL, a Pulumi Cloud token or `pulumi login`. */
export function backendChosen(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.PULUMI_BACKEND_URL || env.PULUMI_ACCESS_TOKEN) return true;
  try {
    const credentials = JSON.parse(
      readFileSync(join(pulumiHome(env), "credentials.json"), "utf8"),
    ) as { current?: string };
    return Boolean(credentials.current);
  } catch {
    return false;
  }
}

export class EngineMissingError extends Error {
  constructor(dir: string) {
    super(
      `the Pulumi engine is not installed: run \`npm run engine\` (builds it from Go modules into ${dir}) or install the official pulumi CLI and put it on PATH`,
    );
  }
}

export interface EngineChoice {
  /** Directory of the `pulumi` that runs. */
  bin: string;
  /** The variables set for it, by name (only those this module added or changed). */
  set: Record<string, string>;
}

/**
 * Sets `env` (process.env by default) so that spawning `pulumi` runs the project's engine with the
 * demo's backend defaults, for `stack` when one is named. Throws EngineMissingError when there is
 * no engine at all.
 */
export function usePulumiEngine(
  stack?: string,
  env: NodeJS.ProcessEnv = process.env,
  projectDir: string = process.cwd(),
): EngineChoice {
  const set: Record<string, string> = {};
  const assign = (name: string, value: string) => {
    env[name] = value;
    set[name] = value;
  };
  // An official CLI already on PATH is used as is, as scripts/install-engine.sh does.
  let bin = pulumiOnPath(env);
  if (!bin) {
    const built = builtEngineDir(env);
    if (!existsSync(join(built, "pulumi"))) throw new EngineMissingError(built);
    bin = built;
    assign("PATH", [built, env.PATH].filter(Boolean).join(delimiter));
  }
  if (!env.PULUMI_SKIP_UPDATE_CHECK) assign("PULUMI_SKIP_UPDATE_CHECK", "true");
  if (!env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION) {
    assign("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "true");
  }
  if (!backendChosen(env)) assign("PULUMI_BACKEND_URL", localBackendUrl(projectDir));
  if (
    stack === LOCAL_STACK &&
    !env.PULUMI_CONFIG_PASSPHRASE &&
    !env.PULUMI_CONFIG_PASSPHRASE_FILE
  ) {
    assign("PULUMI_CONFIG_PASSPHRASE", LOCAL_PASSPHRASE);
  }
  return { bin, set };
}

/** The stack a pulumi command line names (`--stack x`, `--stack=x`, `-s x`), if any. */
export function stackArgument(args: readonly string[]): string | undefined {
  for (const [index, arg] of args.entries()) {
    if (arg === "--stack" || arg === "-s") return args[index + 1];
    if (arg.startsWith("--stack=")) return arg.slice("--stack=".length);
  }
  return undefined;
}

/** The `export` lines that give a shell what usePulumiEngine set (PATH as `<bin>:$PATH`). */
export function exportLines(choice: EngineChoice): string[] {
  return Object.entries(choice.set).map(([name, value]) =>
    name === "PATH"
      ? `export PATH=${shellQuote(choice.bin)}"${delimiter}$PATH"`
      : `export ${name}=${shellQuote(value)}`,
  );
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * usePulumiEngine, first building the engine with scripts/install-engine.sh when there is none
 * (its progress on stderr), as `npm run demo` does.
 */
export function ensurePulumiEngine(
  stack?: string,
  env: NodeJS.ProcessEnv = process.env,
  projectDir: string = process.cwd(),
): EngineChoice {
  try {
    return usePulumiEngine(stack, env, projectDir);
  } catch (error) {
    if (!(error instanceof EngineMissingError)) throw error;
    const built = spawnSync("bash", [join(projectDir, "scripts", "install-engine.sh")], {
      stdio: ["ignore", "ignore", "inherit"],
      env,
    });
    if (built.status !== 0) throw error;
    return usePulumiEngine(stack, env, projectDir);
  }
}
