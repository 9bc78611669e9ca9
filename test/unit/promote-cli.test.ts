import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * `npm run promote` as a user runs it, in a directory of its own with copies of the committed
 * stack files: issue 16's prod with its own recipients, the diff it prints, --dry-run, and the
 * targets it refuses (exit code and message, nothing written).
 */

const PROJECT_ROOT = join(__dirname, "..", "..");
// Inside the project (node_modules resolve from it), in a directory git ignores.
const DIR = join(PROJECT_ROOT, ".altinn-iac", `promote-${randomBytes(4).toString("hex")}`);
const CLI = join(PROJECT_ROOT, "program", "promote-cli.ts");
const committed = (name: string) => readFileSync(join(PROJECT_ROOT, name), "utf8");
const PROD = committed("Pulumi.prod.yaml").replace(
  'members: ["310000001", "310000002"]',
  'members: ["991825827", "974760673"]',
);
const TEST = committed("Pulumi.test.yaml").replace(
  "authenticationLevel: 3",
  "authenticationLevel: 4",
);

function promote(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", CLI, ...args],
    { cwd: DIR, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const file = (name: string) => join(DIR, `Pulumi.${name}.yaml`);

describe("npm run promote", () => {
  beforeEach(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file("test"), TEST);
    writeFileSync(file("prod"), PROD);
  });
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  it("prints the change it would make to prod, keeps prod's members and titles, and writes nothing with --dry-run", () => {
    const expectedDiff = [
      "--- Pulumi.prod.yaml",
      "+++ Pulumi.prod.yaml",
      "@@ -43,7 +43,7 @@",
      "         recipients:",
      "           roles: [DAGL]",
      "           accessPackages: [ordinaer-post-til-virksomheten]",
      "-        authenticationLevel: 3",
      "+        authenticationLevel: 4",
      "   altinn-iac:accessLists:",
      "     - identifier: digdir-mottakere",
      "       name: Recipients of digdir's messages",
      "",
    ].join("\n");
    const kept = [
      'kept: altinn-iac:resources.0.title: the target\'s {"nb":"Melding fra digdir","nn":"Melding frå digdir","en":"Message from digdir"} is kept; the source has {"nb":"Melding fra digdir (test)","nn":"Melding frå digdir (test)","en":"Message from digdir (test)"} (--overwrite-target-values takes it)',
      'kept: altinn-iac:accessLists.0.members: the target\'s ["991825827","974760673"] is kept; the source has [] once its test organisations are left out',
      "",
    ];
    const dryRun = promote("--from", "test", "--to", "prod", "--dry-run");
    expect(dryRun).toStrictEqual({
      code: 0,
      stdout: expectedDiff,
      stderr: [
        `dry run, nothing written: the diff above is what promote would write to ${file("prod")}`,
        ...kept,
      ].join("\n"),
    });
    expect(readFileSync(file("prod"), "utf8")).toBe(PROD);

    const run = promote("--from", "test", "--to", "prod");
    expect(run).toStrictEqual({
      code: 0,
      stdout: expectedDiff,
      stderr: [
        `wrote ${file("prod")} from ${file("test")}: review the diff above, then run pulumi preview --stack prod`,
        ...kept,
      ].join("\n"),
    });
    expect(readFileSync(file("prod"), "utf8")).toBe(
      PROD.replace("authenticationLevel: 3", "authenticationLevel: 4"),
    );
    expect(promote("--from", "test", "--to", "prod").stdout).toBe("");
  });

  it("refuses a target with no stack file, writing none", () => {
    expect(promote("--from", "test", "--to", "staging")).toStrictEqual({
      code: 2,
      stdout: "",
      stderr:
        "Pulumi.staging.yaml does not exist, and promote only writes into an existing stack file: create the stack first (pulumi stack init staging; pulumi config set altinn-iac:environment <test or prod> --stack staging; then its org and credentials, as in Pulumi.prod.yaml), or name an existing stack\n",
    });
    expect(existsSync(file("staging"))).toBe(false);
  });

  it("refuses a prod stack file whose environment says test, leaving it as it is", () => {
    const contradicting = PROD.replace(
      "altinn-iac:environment: prod",
      "altinn-iac:environment: test",
    );
    writeFileSync(file("prod"), contradicting);
    expect(promote("--from", "test", "--to", "prod")).toStrictEqual({
      code: 2,
      stdout: "",
      stderr:
        "Pulumi.prod.yaml says altinn-iac:environment: test, but the stack's name says prod: fix the value (pulumi config set altinn-iac:environment prod --stack prod) or use the stack that is test\n",
    });
    expect(readFileSync(file("prod"), "utf8")).toBe(contradicting);
  });

  it("--help says what it reads and writes and its exit codes, and touches no file", () => {
    const help = promote("--help", "--from", "test", "--to", "staging");
    expect(help.code).toBe(0);
    expect(help.stdout.split("\n")[0]).toBe(
      "usage: npm run promote -- --from <stack> --to <stack> [--dry-run] [--overwrite-target-values]",
    );
    expect(help.stdout).toContain("Reads:  Pulumi.<from>.yaml and Pulumi.<to>.yaml");
    expect(help.stdout).toContain("Writes: Pulumi.<to>.yaml");
    expect(help.stdout).toContain(
      "Exit codes: 0 done (or nothing to change); 2 bad arguments or a refused target.",
    );
    expect(readdirSync(DIR).sort()).toStrictEqual(["Pulumi.prod.yaml", "Pulumi.test.yaml"]);
    expect(readFileSync(file("prod"), "utf8")).toBe(PROD);
  });
});
