import { execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { startSimulator, type Simulator } from "../../simulator/server";
import { PROJECT_ROOT } from "../support/pulumi-cli";
import { pemBodyLines, scanForSecrets } from "../support/secret-scan";

/**
 * docs/getting-started.md run as a new user would, with the real engine: its `sh` blocks in
 * order, in one shell, on a copy of the repository's files (a fresh clone: no stack files but
 * the committed ones, no state), with no `pulumi` on PATH and no passphrase set. Blocks marked
 * `sh credentials` need Altinn and Digdir and are only checked for shell syntax. The simulator
 * is what the guide's commands start themselves (npm run pulumi).
 */

interface Block {
  info: string;
  code: string;
}

function blocks(file: string): Block[] {
  const text = readFileSync(join(PROJECT_ROOT, "docs", file), "utf8");
  return [...text.matchAll(/^```(sh[^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    info: m[1]!.trim(),
    code: m[2]!,
  }));
}

/** What a user sees: stdout and stderr together, and the exit code. */
function run(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", command], { cwd, env });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The repository's files (committed and new, not ignored) in a new directory, as a clone has. */
function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "altinn-iac-guide-"));
  const files = execFileSync("git", ["ls-files", "-z", "-co", "--exclude-standard"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  })
    .split("\0")
    .filter((f) => f !== "" && existsSync(join(PROJECT_ROOT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(PROJECT_ROOT, file), join(dir, file));
  }
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

describe("docs/getting-started.md, run as written against the simulator", () => {
  const english = blocks("getting-started.md");
  const norwegian = blocks("getting-started.nb.md");
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let guide: { code: number; output: string };

  beforeAll(async () => {
    dir = freshCopy();
    const {
      PULUMI_CONFIG_PASSPHRASE: _p,
      PULUMI_CONFIG_PASSPHRASE_FILE: _f,
      ...rest
    } = process.env;
    env = {
      ...rest,
      // No pulumi on PATH: the commands find the engine themselves.
      PATH: (process.env.PATH ?? "")
        .split(delimiter)
        .filter((d) => !existsSync(join(d, "pulumi")))
        .join(delimiter),
      // The guide's default backend in the copy, named so that a `pulumi login` of the machine
      // running the test is never used.
      PULUMI_BACKEND_URL: `file://${join(dir, ".altinn-iac", "state")}?metadata=skip`,
      NO_COLOR: "1",
    };
    mkdirSync(join(dir, ".altinn-iac", "state"), { recursive: true });
    const script = english
      .filter((b) => b.info === "sh")
      .map((b, i) => `echo "### block ${i + 1}"\n${b.code}`)
      .join("\n");
    guide = await run(`set -euo pipefail\n${script}`, dir, env);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("has the same command blocks in English and Norwegian, each marked sh or sh credentials", () => {
    const commands = (list: Block[]) =>
      list.map((b) => ({ info: b.info, code: b.code.replace(/--lang (nb|en)/g, "--lang <l>") }));
    expect(commands(norwegian)).toStrictEqual(commands(english));
    expect(new Set(english.map((b) => b.info))).toStrictEqual(new Set(["sh", "sh credentials"]));
    expect(english.filter((b) => b.info === "sh")).toHaveLength(5);
  });

  it("the blocks that need credentials are valid shell", () => {
    for (const block of english.filter((b) => b.info === "sh credentials")) {
      expect(() => execFileSync("bash", ["-n", "-c", block.code])).not.toThrow();
    }
  });

  it("runs every other block to the end, from init to a verified test message", () => {
    if (guide.code !== 0) console.log(guide.output);
    expect(guide.code).toBe(0);
    // Part 1: the local stack was made, planned, and its up sent and verified the test message.
    expect(guide.output).toContain(
      `wrote ${join(dir, "Pulumi.digdir-try.yaml")} and made stack digdir-try (secrets provider: passphrase)`,
    );
    expect(guide.output).toMatch(/Resources:\n\s+\+ 11 to create/);
    expect(guide.output).toMatch(/Resources:\n\s+\+ 11 created/);
    // The intro: the demo stack previewed with no pulumi on PATH, then plain pulumi after eval.
    expect(guide.output).toMatch(
      /Previewing update \(local\)[\s\S]*Resources:\n\s+\+ 11 to create/,
    );
    expect(guide.output).toMatch(/^local\*?\s/m);
    // Parts 3 and 6: the test and prod stacks, their requests, promote's plan.
    expect(readFileSync(join(dir, "Pulumi.skd-test.yaml"), "utf8")).toMatch(/^encryptionsalt: /m);
    expect(guide.output).toContain(
      "Subject: Access to Altinn scopes for skd (<organisation number>) in tt02 (test)",
    );
    expect(guide.output).toContain(
      "Subject: Self-service admin client (API) for skd (<organisation number>) in production",
    );
    expect(guide.output).toContain(
      `${join(dir, "Pulumi.skd-prod.yaml")} already holds the setup of ${join(dir, "Pulumi.skd-test.yaml")}: nothing to write`,
    );
  });

  it("hands the sending app its key in a 0600 file, and never shows it", () => {
    const keyFile = join(dir, "sender-key.pem");
    const key = readFileSync(keyFile, "utf8");
    expect(key.startsWith("-----BEGIN PRIVATE KEY-----\n")).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(guide.output).toMatch(
      /^client melding-sender: client_id [\w-]+, kid [\w-]+: private key \(pem\) written to sender-key\.pem \(mode 0600\)$/m,
    );
    expect(
      scanForSecrets({ output: guide.output }, [{ name: "key", fragments: pemBodyLines(key) }]),
    ).toStrictEqual([]);
  });

  it("refuses to overwrite a stack file, and previews the unfilled one as a list of commands", async () => {
    const before = readFileSync(join(dir, "Pulumi.skd-test.yaml"), "utf8");
    const again = await run("npm run -s init -- --org skd --env test", dir, {
      ...env,
      PULUMI_CONFIG_PASSPHRASE: "x",
    });
    expect(again).toStrictEqual({
      code: 2,
      output: `refused: ${join(dir, "Pulumi.skd-test.yaml")} exists and is kept as it is. Edit it, or make another stack with --stack <name>\n`,
    });
    expect(readFileSync(join(dir, "Pulumi.skd-test.yaml"), "utf8")).toBe(before);

    const preview = await run("npm run -s pulumi -- preview --stack skd-test", dir, {
      ...env,
      PULUMI_CONFIG_PASSPHRASE: "a passphrase of your own",
    });
    expect(preview.code).not.toBe(0);
    const listed = preview.output
      .split("\n")
      .filter((line) => line.includes("still the placeholder"))
      .map((line) => line.trim().split(": still")[0]);
    expect(listed).toStrictEqual([
      "altinn-iac:accessLists[0].members[0]",
      "altinn-iac:maskinportenClientId",
      "altinn-iac:maskinportenKeyId",
      "altinn-iac:maskinportenPrivateKey",
      "altinn-iac:org.number",
      "altinn-iac:resources[0].contactPoints[0].email",
      "altinn-iac:selfServiceCertificate",
      "altinn-iac:selfServiceClientId",
      "altinn-iac:selfServicePrivateKey",
      "altinn-iac:subscriptions[0].endPoint",
      "altinn-iac:verification.recipient",
    ]);
    expect(preview.output).toContain(
      'altinn-iac:maskinportenPrivateKey: still the placeholder "REPLACE: its private key, set with --secret": fill it with `pulumi config set --secret altinn-iac:maskinportenPrivateKey --stack skd-test < provisioner-key.pem`',
    );
    expect(preview.output).not.toContain("could not be read");
  });

  it("export and verify find the engine and the backend without pulumi on PATH", async () => {
    let simulator: Simulator | undefined;
    try {
      simulator = await startSimulator({
        port: 5055,
        host: "127.0.0.1",
        persistFile: join(dir, ".altinn-iac", "simulator-state.json"),
      }).catch((error: NodeJS.ErrnoException) => {
        throw error.code === "EADDRINUSE"
          ? new Error("port 5055, the guide stack's simulatorUrl, is in use (an npm run demo?)")
          : error;
      });
      const cli = { ...env, PULUMI_CONFIG_PASSPHRASE: "a passphrase of your own" };
      const exported = await run("npm run -s export -- --stack digdir-try --dry-run", dir, cli);
      expect(exported.output).not.toContain("ENOENT");
      expect(exported.code).toBe(0);
      const verified = await run("npm run -s verify -- --stack digdir-try", dir, cli);
      expect(verified.output).toContain("verification passed");
      expect(verified.code).toBe(0);
    } finally {
      await simulator?.close();
    }
  });
});
