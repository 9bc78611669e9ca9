import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runPolicyCli } from "../../policies/cli";

/**
 * `npm run policy -- lint|explain <file>`: what it prints and its exit code. Most cases call the
 * command's function; one runs the npm script itself, as a person would.
 */

const ROOT = resolve(__dirname, "..", "..");
const FIXTURES = join("test", "fixtures", "xacml");

function run(...args: string[]) {
  let out = "";
  let err = "";
  const code = runPolicyCli(args, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    readFile: (path) => readFileSync(join(ROOT, path), "utf8"),
  });
  return { code, out, err };
}

describe("policy lint", () => {
  it("passes a clean Studio policy with exit code 0", () => {
    expect(run("lint", `${FIXTURES}/studio-style.xml`)).toStrictEqual({
      code: 0,
      out: [
        "test/fixtures/xacml/studio-style.xml: resource acme-studio-melding (the resource its rules name); CorrespondenceService checks",
        "0 errors, 0 warnings",
        "",
      ].join("\n"),
      err: "",
    });
  });

  it("warns on Studio's [org] placeholder (the registry accepts it), naming the rule, its line and the fix", () => {
    expect(run("lint", `${FIXTURES}/studio-org-placeholder.xml`)).toStrictEqual({
      code: 0,
      out: [
        "test/fixtures/xacml/studio-org-placeholder.xml: resource acme-studio-melding (the resource its rules name); CorrespondenceService checks",
        'warning: rule 2 (line 48): the subject service owner [org] holds the placeholder "[org]"; Altinn compares it literally, so the rule never matches (Altinn Studio left "[org]" in policies, altinn-studio#18044); fix: write the real value, such as the org code',
        'warning: the service owner (the org codes the policy names) may not subscribe, so Altinn Events refuses the owner\'s event subscription for this resource (403 "Not authorized to create a subscription"); fix: add a rule { subjects: [{ org: "<org code>" }], actions: ["write", "subscribe"] }',
        'warning: the service owner (the org codes the policy names) may not write, so sending works only with a token that carries altinn:serviceowner (Correspondence otherwise asks the PDP for write); fix: add write for { org: "<org code>" }',
        "0 errors, 3 warnings",
        "",
      ].join("\n"),
      err: "",
    });
  });

  it("checks against the resource and owner given", () => {
    const result = run(
      "lint",
      `${FIXTURES}/default-namespace.xml`,
      "--resource",
      "acme-annen",
      "--org",
      "skd",
    );
    expect(result.code).toBe(1);
    expect(result.out.split("\n").map((line) => line.split(":")[0])).toStrictEqual([
      "test/fixtures/xacml/default-namespace.xml",
      "error",
      "error",
      "error",
      "warning",
      "warning",
      "3 errors, 2 warnings",
      "",
    ]);
    expect(result.out).toContain(
      'error: rule 1 (line 5): targets the resource "acme-plain-melding", not "acme-annen"',
    );
    expect(result.out).toContain("warning: service owner skd may not subscribe");
  });

  it("skips the Correspondence checks for another resource type", () => {
    expect(
      run("lint", `${FIXTURES}/load-test-style.xml`, "--type", "GenericAccessResource").out,
    ).toBe(
      [
        "test/fixtures/xacml/load-test-style.xml: resource acme-loadtest-melding (the resource its rules name); GenericAccessResource checks",
        "0 errors, 0 warnings",
        "",
      ].join("\n"),
    );
  });

  it("reports XML Altinn cannot parse as an error", () => {
    const result = run("lint", "package.json");
    expect(result.code).toBe(1);
    expect(result.out).toBe(
      [
        "package.json: no resource: no rule names urn:altinn:resource; CorrespondenceService checks",
        "error: line 1: not well-formed XML: char '{' is not expected.: the Resource Registry answers 500 to a policy it cannot parse; fix: correct the XML (the builder in policies/build.ts writes it the way Altinn reads it)",
        "1 error, 0 warnings",
        "",
      ].join("\n"),
    );
  });

  it.each([
    [["lint"], "name one policy file\n"],
    [["lint", "a.xml", "b.xml"], "name one policy file only\n"],
    [["lint", "a.xml", "--resource"], "--resource needs a value\n"],
    [["lint", "a.xml", "--colour", "red"], "unknown option --colour\n"],
    [["check", "a.xml"], 'unknown command "check"\n'],
    [["explain", "a.xml", "--org", "skd"], "explain takes only --resource\n"],
  ])("rejects the arguments %j with exit code 2 and the usage", (args, message) => {
    expect(run(...args)).toStrictEqual({
      code: 2,
      out: "",
      err: `${message}usage:\n  npm run policy -- lint <file> [--resource <id>] [--type <resourceType>] [--org <code>]\n  npm run policy -- explain <file> [--resource <id>]\n  npm run policy -- --help\n(npm run policy -- --help says more)\n`,
    });
  });

  it("fails with exit code 2 on a file it cannot read", () => {
    const result = run("lint", "no-such-policy.xml");
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^cannot read no-such-policy.xml: ENOENT/);
  });
});

describe("policy explain", () => {
  it("prints the rules in plain words", () => {
    expect(run("explain", `${FIXTURES}/bruno-style.xml`)).toStrictEqual({
      code: 0,
      out: [
        "Policy for resource ttd-bruno-accesslist (the resource its rules name)",
        "- Users must log in with authentication level 2 or higher",
        'Rule 1 (urn:altinn:ruleid:1): role DAGL may read (any case) on resource "ttd-bruno-accesslist".',
        'Rule 2 (urn:altinn:ruleid:2): role DAGL or service owner ttd may write (any case) on resource "ttd-bruno-accesslist".',
        'Rule 3 (urn:altinn:ruleid:3): service owner ttd may subscribe (any case) on resource "ttd-bruno-accesslist".',
        "",
      ].join("\n"),
      err: "",
    });
  });

  it("fails with the parser's errors on a policy the model cannot hold", () => {
    const result = run("explain", "package.json");
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: line 1: not well-formed XML/);
  });
});

describe("npm run policy", () => {
  it("lints a file from the command line and exits 1 on an error", async () => {
    const result = await new Promise<{ code: number; stdout: string }>((done) => {
      execFile(
        "npm",
        [
          "run",
          "--silent",
          "policy",
          "--",
          "lint",
          `${FIXTURES}/default-namespace.xml`,
          "--resource",
          "acme-annen",
        ],
        { cwd: ROOT },
        (error, stdout) => done({ code: error ? Number(error.code) : 0, stdout }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'error: rule 2 (line 33): targets the resource "acme-plain-melding", not "acme-annen"',
    );
    expect(result.stdout).toMatch(/3 errors, 2 warnings\n$/);
  });
});
