import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { EXPORT_HELP, parseArgs } from "../../program/export-cli";

/** `npm run export`'s arguments and `--help`, which must start nothing (no pulumi, no API call). */

const PROJECT_ROOT = join(__dirname, "..", "..");

describe("npm run export arguments", () => {
  it("--help prints what it reads, writes and its exit codes, with no pulumi on PATH and a stack that does not exist", () => {
    const result = spawnSync(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "program/export-cli.ts",
        "--stack",
        "nowhere",
        "--help",
      ],
      // Only node on PATH: a call to pulumi would fail the command.
      {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        env: { ...process.env, PATH: dirname(process.execPath) },
      },
    );
    expect({ code: result.status, stdout: result.stdout, stderr: result.stderr }).toStrictEqual({
      code: 0,
      stdout: EXPORT_HELP,
      stderr: "",
    });
    expect(EXPORT_HELP).toContain(
      "Writes: Pulumi.<name>.yaml, only when something is added or overwritten.",
    );
    expect(EXPORT_HELP).toContain("Exit codes: 0 done");
  });

  it("takes --stack, --dry-run and --overwrite-differences, and names what is wrong otherwise", () => {
    expect(parseArgs(["--stack", "local", "--dry-run"])).toStrictEqual({
      stack: "local",
      dryRun: true,
      overwriteDifferences: false,
    });
    expect(parseArgs(["--overwrite-differences", "--stack", "prod"])).toStrictEqual({
      stack: "prod",
      dryRun: false,
      overwriteDifferences: true,
    });
    const usage = EXPORT_HELP.split("\n")[0];
    expect(() => parseArgs(["--stack", "local", "--overwrite"])).toThrow(
      `unknown argument --overwrite\n${usage}`,
    );
    expect(() => parseArgs(["--dry-run"])).toThrow(`--stack <name> is required\n${usage}`);
  });
});
