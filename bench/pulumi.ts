import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { engineBinDir, fileBackendUrl } from "../test/support/pulumi-cli";

export { engineBinDir };

/**
 * The real Pulumi CLI for the benchmark, as test/support/pulumi-cli.ts runs it for e2e tests (a
 * throwaway file backend, a passphrase, the engine the project builds), but for any project
 * directory and with each command timed; the engine directory comes from that module.
 */

export const PROJECT_ROOT = resolve(__dirname, "..");
const PASSPHRASE = "altinn-iac-bench";

export interface TimedResult {
  code: number;
  output: string;
  stdout: string;
  ms: number;
}

export class BenchStack {
  /** `e2e-` so the stack file falls under the .gitignore rule for throwaway stacks. */
  readonly name = `e2e-bench-${randomBytes(4).toString("hex")}`;
  private readonly backendDir = mkdtempSync(join(tmpdir(), "altinn-iac-bench-"));
  private readonly env: NodeJS.ProcessEnv;

  private constructor(private readonly projectDir: string) {
    this.env = {
      ...process.env,
      PULUMI_BACKEND_URL: fileBackendUrl(this.backendDir),
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      NO_COLOR: "1",
      PATH: [engineBinDir(), process.env.PATH].filter(Boolean).join(delimiter),
    };
  }

  static async create(projectDir: string): Promise<BenchStack> {
    const stack = new BenchStack(projectDir);
    await stack.ok(["stack", "init"]);
    return stack;
  }

  get configFile(): string {
    return join(this.projectDir, `Pulumi.${this.name}.yaml`);
  }

  /**
   * Replaces the plain config of `namespace`, keeping the secrets already set, and sets
   * `secrets` (keys without namespace).
   */
  async setConfig(
    namespace: string,
    values: Record<string, unknown>,
    secrets: Record<string, string> = {},
  ): Promise<void> {
    const current = (parse(readFileSync(this.configFile, "utf8")) ?? {}) as {
      encryptionsalt?: string;
      config?: Record<string, unknown>;
    };
    const kept = Object.entries(current.config ?? {}).filter(
      ([, value]) => value !== null && typeof value === "object" && "secure" in value,
    );
    const config = {
      ...Object.fromEntries(kept),
      ...Object.fromEntries(
        Object.entries(values).map(([key, value]) => [`${namespace}:${key}`, value]),
      ),
    };
    writeFileSync(
      this.configFile,
      stringify({ encryptionsalt: current.encryptionsalt, config }, { lineWidth: 0 }),
    );
    for (const [key, value] of Object.entries(secrets)) {
      await this.ok(["config", "set", "--secret", `${namespace}:${key}`], value);
    }
  }

  /** Runs `pulumi <args>` on this stack, timed from spawn to exit. */
  run(args: string[], stdin?: string): Promise<TimedResult> {
    const started = process.hrtime.bigint();
    return new Promise((resolveResult) => {
      const child = execFile(
        "pulumi",
        [...args, "--stack", this.name, "--non-interactive", "--cwd", this.projectDir],
        { env: this.env, cwd: this.projectDir, maxBuffer: 256 * 1024 * 1024, timeout: 3_600_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          resolveResult({ code, stdout, output: `${stdout}\n${stderr}`, ms });
        },
      );
      child.stdin?.end(stdin);
    });
  }

  async ok(args: string[], stdin?: string): Promise<TimedResult> {
    const result = await this.run(args, stdin);
    if (result.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} failed (${result.code}):\n${result.output}`);
    }
    return result;
  }

  /** The bytes of the checkpoint the file backend keeps for this stack: the state as stored. */
  checkpointBytes(): number {
    const stacks = join(this.backendDir, ".pulumi", "stacks");
    for (const project of readdirSync(stacks)) {
      const file = join(stacks, project, `${this.name}.json`);
      if (existsSync(file)) return statSync(file).size;
    }
    throw new Error(`no checkpoint of ${this.name} under ${stacks}`);
  }

  async remove(): Promise<void> {
    await this.run(["stack", "rm", "--yes", "--force"]);
    rmSync(this.configFile, { force: true });
    rmSync(this.backendDir, { recursive: true, force: true });
  }
}

/** The engine's own summary of an update ("+ 10 created", "5 unchanged"), as one line. */
export function changeSummary(output: string): string {
  const section = output.split(/\nResources:\n/)[1] ?? "";
  const lines: string[] = [];
  for (const line of section.split("\n")) {
    const match = /^\s+([-+~]|\+-)?\s*(\d+ (?:to )?\w+)/.exec(line);
    if (!match) break;
    lines.push(`${match[1] ? `${match[1]} ` : ""}${match[2]}`);
  }
  return lines.join(", ");
}
