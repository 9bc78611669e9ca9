import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";

/**
 * Runs the real Pulumi CLI against the project with a throwaway file backend, the way a user runs
 * it: `pulumi up`, `preview`, `refresh`, `destroy`, `stack export`. The engine is the one
 * scripts/install-engine.sh built (or the official CLI on PATH).
 */

export const PROJECT_ROOT = resolve(__dirname, "..", "..");

// A real-engine run takes seconds to a minute on a busy 2-core machine; the unit-test default
// (30 s) would cut one off mid-update and leave its stack locked.
// (The helper is also used outside jest, by fixture-recording scripts.)
if (typeof jest !== "undefined") jest.setTimeout(600_000);

/**
 * The directory of the engine scripts/install-engine.sh builds. It is put first on PATH for the
 * CLI, so tests run with the engine the project pins unless the official CLI is installed.
 */
export function engineBinDir(): string | undefined {
  const version = /github\.com\/pulumi\/pulumi\/pkg\/v3 v([\d.]+)/.exec(
    readFileSync(join(PROJECT_ROOT, "engine", "cli", "go.mod"), "utf8"),
  )?.[1];
  const dir = join(
    process.env.PULUMI_HOME ?? join(homedir(), ".pulumi"),
    "versions",
    version ?? "",
    "bin",
  );
  return existsSync(join(dir, "pulumi")) ? dir : undefined;
}
/**
 * A file backend that a crash cannot leave unreadable: with metadata=skip the engine writes no
 * `.attrs` sidecar (written in place, unlike the checkpoint, so a kill can leave it empty).
 */
export function fileBackendUrl(dir: string): string {
  return `file://${dir}?metadata=skip`;
}

export const TEST_PASSPHRASE = "altinn-iac-e2e";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertions on what the user sees. */
  output: string;
}

export interface StackConfigValues {
  /** Plain config values by key without namespace (`environment`, `org`, ...). */
  values: Record<string, unknown>;
  /** Secret config values by key, set with `pulumi config set --secret`. */
  secrets?: Record<string, string>;
}

export class TestStack {
  readonly name: string;
  readonly backendDir: string;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(name: string, backendDir: string, extraEnv: NodeJS.ProcessEnv) {
    this.name = name;
    this.backendDir = backendDir;
    this.env = {
      ...process.env,
      PULUMI_BACKEND_URL: fileBackendUrl(backendDir),
      PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      NO_COLOR: "1",
      PATH: [engineBinDir(), process.env.PATH].filter(Boolean).join(delimiter),
      ...extraEnv,
    };
  }

  /** A new stack (`e2e-<random>` unless named) in a new file backend, with its stack file written. */
  static async create(
    config: StackConfigValues,
    extraEnv: NodeJS.ProcessEnv = {},
    name = `e2e-${randomBytes(4).toString("hex")}`,
  ): Promise<TestStack> {
    const backendDir = mkdtempSync(join(tmpdir(), "altinn-iac-e2e-"));
    const stack = new TestStack(name, backendDir, extraEnv);
    await stack.pulumiOk(["stack", "init"]);
    await stack.setConfig(config);
    return stack;
  }

  /** Another new stack in this stack's backend (as an org's stacks share one), with its stack file. */
  async sibling(config: StackConfigValues): Promise<TestStack> {
    const stack = new TestStack(`e2e-${randomBytes(4).toString("hex")}`, this.backendDir, this.env);
    await stack.pulumiOk(["stack", "init"]);
    await stack.setConfig(config);
    return stack;
  }

  /**
   * A new stack made as the README says: its stack file written first (a committed one, say), then
   * `pulumi stack init --secrets-provider <provider>`, which adds the provider's salt to that file.
   */
  static async init(
    stackFileText: string,
    secretsProvider: string,
    extraEnv: NodeJS.ProcessEnv = {},
  ): Promise<TestStack> {
    const name = `e2e-${randomBytes(4).toString("hex")}`;
    const backendDir = mkdtempSync(join(tmpdir(), "altinn-iac-e2e-"));
    const stack = new TestStack(name, backendDir, extraEnv);
    writeFileSync(stack.configFile, stackFileText);
    await stack.pulumiOk(["stack", "init", "--secrets-provider", secretsProvider]);
    return stack;
  }

  get configFile(): string {
    return join(PROJECT_ROOT, `Pulumi.${this.name}.yaml`);
  }

  /** Replaces the plain config (the stack file is JSON, which is YAML) and sets the secrets. */
  async setConfig(config: StackConfigValues): Promise<void> {
    const namespaced = Object.fromEntries(
      Object.entries(config.values).map(([key, value]) => [`altinn-iac:${key}`, value]),
    );
    // `stack init` wrote the passphrase salt; keep it so the secrets stay readable.
    const salt = existsSync(this.configFile)
      ? /encryptionsalt: (.*)/.exec(readFileSync(this.configFile, "utf8"))?.[1]
      : undefined;
    writeFileSync(
      this.configFile,
      `${salt ? `encryptionsalt: ${salt}\n` : ""}config: ${JSON.stringify(namespaced)}\n`,
    );
    for (const [key, value] of Object.entries(config.secrets ?? {})) {
      await this.pulumiOk(["config", "set", "--secret", key], value);
    }
  }

  pulumi(args: string[], stdin?: string): Promise<CliResult> {
    return this.run("pulumi", this.stackArgs(args), stdin);
  }

  /** Runs any command (a project script) with this stack's backend and engine environment. */
  run(command: string, args: string[], stdin?: string): Promise<CliResult> {
    return this.start(command, args, stdin).done;
  }

  /** Starts a command as `run` does, with its pid, for a test that signals it while it runs. */
  start(
    command: string,
    args: string[],
    stdin?: string,
  ): { pid: number; done: Promise<CliResult> } {
    let child: ReturnType<typeof execFile> | undefined;
    const done = new Promise<CliResult>((resolveResult) => {
      child = execFile(
        command,
        args,
        { env: this.env, cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolveResult({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
        },
      );
      if (stdin !== undefined) child.stdin?.end(stdin);
      else child.stdin?.end();
    });
    return { pid: child!.pid!, done };
  }

  /** The arguments `pulumi` gets for this stack (as `pulumi()` passes them). */
  stackArgs(args: string[]): string[] {
    return [...args, "--stack", this.name, "--non-interactive", "--cwd", PROJECT_ROOT];
  }

  async pulumiOk(args: string[], stdin?: string): Promise<CliResult> {
    const result = await this.pulumi(args, stdin);
    if (result.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} failed (${result.code}):\n${result.output}`);
    }
    return result;
  }

  up(extra: string[] = []): Promise<CliResult> {
    return this.pulumiOk(["up", "--yes", "--skip-preview", ...extra]);
  }

  /** `pulumi preview --json`: the steps the engine plans. */
  async previewSteps(
    extra: string[] = [],
  ): Promise<Array<{ op: string; urn: string; diffs?: string[] }>> {
    const result = await this.pulumiOk(["preview", "--json", ...extra]);
    const parsed = JSON.parse(result.stdout) as {
      steps?: Array<{ op: string; urn: string; diffs?: string[] }>;
    };
    return parsed.steps ?? [];
  }

  async outputs(): Promise<Record<string, unknown>> {
    const result = await this.pulumiOk(["stack", "output", "--json"]);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  /** `npm run export -- --stack <this stack>`, as a user runs it: merges the live setup into the stack file. */
  exportSetup(extra: string[] = []): Promise<CliResult> {
    return this.run("node", [
      "-r",
      "ts-node/register/transpile-only",
      "program/export-cli.ts",
      "--stack",
      this.name,
      ...extra,
    ]);
  }

  /** `pulumi stack export` without secrets shown: what lands in the state file. */
  async exportedState(): Promise<string> {
    return (await this.pulumiOk(["stack", "export", "--show-secrets=false"])).stdout;
  }

  async remove(): Promise<void> {
    await this.pulumi(["stack", "rm", "--yes", "--force"]);
    rmSync(this.configFile, { force: true });
    rmSync(this.backendDir, { recursive: true, force: true });
  }
}
