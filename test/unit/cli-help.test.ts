import { execFile } from "node:child_process";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../support/pulumi-cli";

/**
 * Every command answers --help on standard output with what it reads, what it writes and its exit
 * codes (exit 0, nothing started), and an unknown option with one line naming it (exit 2, no
 * stack trace). Run as users run them: the script's file through ts-node, from the project root.
 */

const SCRIPTS: Record<string, string> = {
  policy: "program/policy-cli.ts",
  review: "review/cli.ts",
  verify: "verify/cli.ts",
  simulator: "simulator/main.ts",
  bench: "bench/run.ts",
  export: "program/export-cli.ts",
  promote: "program/promote-cli.ts",
  up: "program/up-cli.ts",
  init: "program/init-cli.ts",
  "client-key": "program/client-key-cli.ts",
};

function run(script: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", script, ...args],
      { cwd: PROJECT_ROOT, timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) =>
        done({
          code: error ? ((error.code as number | undefined) ?? 1) : 0,
          out: stdout,
          err: stderr,
        }),
    );
  });
}

jest.setTimeout(120_000);

describe.each(Object.entries(SCRIPTS))("npm run %s", (name, script) => {
  it("--help says what it reads, writes and exits with, and exits 0", async () => {
    const { code, out } = await run(script, ["--help"]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^usage: npm run ${name} --|^usage:\\n  npm run ${name} --`));
    expect(out).toMatch(/Reads|reads/);
    expect(out).toMatch(/Writes|writes/);
  });

  // up hands every option but --stack to pulumi up, which judges them: only --stack is its own.
  const unknownExpected =
    name === "up" ? "name the stack: npm run up -- --stack <name>" : "--no-such-option";
  it("names an unknown option (or the missing stack) on one line and exits 2, with no stack trace", async () => {
    const { code, out, err } = await run(script, ["--no-such-option"]);
    expect(code).toBe(2);
    expect(`${out}${err}`).toContain(unknownExpected);
    expect(`${out}${err}`).not.toMatch(/\n\s+at /);
  });
});

describe("npm run review on input that is not a preview", () => {
  it("says so in one line and exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "review-"));
    const file = join(dir, "preview.jsonl");
    writeFileSync(file, "this is not json\n");
    try {
      const { code, err } = await run("review/cli.ts", [file]);
      expect(code).toBe(2);
      expect(err).toMatch(
        new RegExp(
          `^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not the JSON of a pulumi preview \\(.*\\): make it with PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json > preview.jsonl\\n$`,
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
