import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPolicyXml } from "../../policies/build";
import { correspondencePolicy } from "../../policies/templates";
import { runStackPolicyCli } from "../../program/policy-cli";
import { PROJECT_ROOT } from "../support/pulumi-cli";

/** `npm run policy -- lint|explain|build --stack`: the policies a stack file declares. */

function run(args: string[]) {
  const io = { out: "", err: "" };
  const code = runStackPolicyCli(
    args,
    {
      out: (text) => (io.out += text),
      err: (text) => (io.err += text),
      readFile: () => {
        throw new Error("the stack commands read no policy file");
      },
    },
    PROJECT_ROOT,
  );
  return { code, ...io };
}

describe("policy commands on a stack file", () => {
  it("build prints the XML the local stack's template becomes", () => {
    const { code, out } = run(["build", "--stack", "local"]);
    expect(code).toBe(0);
    expect(out).toBe(
      buildPolicyXml(
        correspondencePolicy("digdir", {
          recipients: { roles: ["DAGL"], accessPackages: ["ordinaer-post-til-virksomheten"] },
          authenticationLevel: 3,
        }),
        { resourceId: "digdir-iac-demo-melding" },
      ),
    );
  });

  it("lint and explain read the same declared rules", () => {
    expect(run(["lint", "--stack", "local"])).toStrictEqual({
      code: 0,
      out: "digdir-iac-demo-melding: CorrespondenceService checks\n0 errors, 0 warnings\n",
      err: "",
    });
    const explained = run(["explain", "--stack", "local", "--resource", "digdir-iac-demo-melding"]);
    expect(explained.code).toBe(0);
    expect(explained.out).toContain(
      "Rule 1: role DAGL or access package ordinaer-post-til-virksomheten may read.",
    );
  });

  it("lint exits 1 on a stack file whose rules let nobody read", () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-stack-"));
    const file = join(dir, "Pulumi.rules.yaml");
    writeFileSync(
      file,
      JSON.stringify({
        config: {
          "altinn-iac:environment": "local",
          "altinn-iac:org": { code: "digdir", number: "991825827" },
          "altinn-iac:resources": [
            {
              identifier: "digdir-regler",
              title: { nb: "Regler", nn: "Reglar", en: "Rules" },
              description: { nb: "Test", nn: "Test", en: "Test" },
              rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
              contactPoints: [
                {
                  category: "Support",
                  email: "support@example.org",
                  telephone: "",
                  contactPage: "",
                },
              ],
              policy: {
                rules: [{ subjects: [{ org: "digdir" }], actions: ["write", "subscribe"] }],
                authenticationLevel: 3,
              },
            },
          ],
        },
      }),
    );
    try {
      const { code, out } = run(["lint", "--stack", file]);
      expect(code).toBe(1);
      expect(out).toMatch(/^digdir-regler: CorrespondenceService checks\n/);
      expect(out).toMatch(/error.*read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names a missing stack file and the fix, exit 2", () => {
    expect(run(["lint", "--stack", "nosuch"])).toStrictEqual({
      code: 2,
      out: "",
      err: `no stack file ${join(PROJECT_ROOT, "Pulumi.nosuch.yaml")}: name a stack of this project (Pulumi.<stack>.yaml) or a stack file's path\n`,
    });
  });
});
