import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join } from "node:path";
import { currentResource } from "../../simulator/state";
import { engineBinDir, fileBackendUrl, PROJECT_ROOT, type CliResult } from "../support/pulumi-cli";
import { DEMO_PRIVATE_KEY, useSimulator } from "../support/simulator";

/**
 * examples/consumer as a platform team runs it: the package packed (`npm pack`) and installed
 * from the tarball into a Pulumi TypeScript project of another name, which declares one org's
 * setup with `new altinn.ServiceOwnerSetup(...)` and an AltinnConnection. Run by the real engine
 * against the simulator, with no environment variable beyond the Pulumi backend and passphrase
 * (and PATH, HOME, the engine's offline switches): nothing of this repository's stack config or
 * of ALTINN_IAC_* reaches it. What it does not prove: a registry install (the tarball is the same).
 */

const RESOURCE = "digdir-platform-example";
const LIST = "digdir-platform-example-recipients";
const simulator = useSimulator();
const work = mkdtempSync(join(tmpdir(), "altinn-iac-consumer-"));
const project = join(work, "consumer");
const env: NodeJS.ProcessEnv = {
  PATH: [engineBinDir(), dirname(process.execPath), process.env.PATH]
    .filter(Boolean)
    .join(delimiter),
  HOME: process.env.HOME,
  PULUMI_BACKEND_URL: fileBackendUrl(join(work, "state")),
  PULUMI_CONFIG_PASSPHRASE: "altinn-iac-consumer",
  PULUMI_SKIP_UPDATE_CHECK: "true",
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  NO_COLOR: "1",
};

function run(command: string, args: string[], cwd: string, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 },
      (error, stdout, stderr) => {
        const result = { code: error ? 1 : 0, stdout, stderr, output: `${stdout}\n${stderr}` };
        if (error) reject(new Error(`${command} ${args.join(" ")} failed:\n${result.output}`));
        else resolve(result);
      },
    );
    child.stdin?.end(stdin);
  });
}

const pulumi = (args: string[], stdin?: string) =>
  run("pulumi", [...args, "--stack", "dev", "--non-interactive"], project, stdin);

beforeAll(async () => {
  // jest's globalSetup built dist/; --ignore-scripts keeps prepack's clean rebuild from removing
  // it under the other e2e tests.
  const packed = await run(
    "npm",
    ["pack", "--ignore-scripts", "--pack-destination", work],
    PROJECT_ROOT,
  );
  const tarball = basename(packed.stdout.trim().split("\n").pop()!);
  cpSync(join(PROJECT_ROOT, "examples", "consumer"), project, {
    recursive: true,
    filter: (source) => !source.includes("node_modules"),
  });
  await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", `../${tarball}`],
    project,
  );
  mkdirSync(join(work, "state"));
  await run("pulumi", ["stack", "init", "dev", "--non-interactive"], project);
  await pulumi(["config", "set", "simulatorUrl", simulator().url]);
  await pulumi(["config", "set", "--secret", "provisioningKey"], DEMO_PRIVATE_KEY);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("examples/consumer: the packed package in a Pulumi program of your own", () => {
  it("comes up, previews no change, keeps the key encrypted and is destroyed", async () => {
    await pulumi(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout) as unknown;
    expect(outputs).toStrictEqual({
      resourceUrn: `urn:altinn:resource:${RESOURCE}`,
      accessLists: [LIST],
    });
    const state = simulator().context.state;
    expect(currentResource(state, RESOURCE)?.title).toStrictEqual({
      nb: "Eksempelmelding",
      nn: "Eksempelmelding",
      en: "Example message",
    });
    expect(Object.keys(state.accessLists)).toHaveLength(1);

    const preview = JSON.parse((await pulumi(["preview", "--json"])).stdout) as {
      changeSummary: Record<string, number>;
    };
    // The stack, the connection, the component, preflight, resource, policy and list.
    expect(preview.changeSummary).toStrictEqual({ same: 7 });

    const exported = (await pulumi(["stack", "export"])).stdout;
    const keyLines = DEMO_PRIVATE_KEY.split("\n").filter((l) => l && !l.startsWith("-----"));
    expect(exported).not.toContain("PRIVATE KEY");
    for (const line of keyLines) expect(exported).not.toContain(line);

    await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(simulator().context.state.resources[RESOURCE]).toBeUndefined();
    expect(simulator().context.state.accessLists).toStrictEqual({});
  });
});
