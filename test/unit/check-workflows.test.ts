import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkWorkflow } from "../../scripts/check-workflows";
import { PROJECT_ROOT } from "../support/pulumi-cli";

const SHA = "11d5960a326750d5838078e36cf38b85af677262";

/** A workflow around one job's steps, with optional extra top-level text. */
function workflow(steps: string, { on = "pull_request", jobEnv = "" } = {}): string {
  return `name: x
on: ${on}
jobs:
  one:
    runs-on: ubuntu-latest
${jobEnv}    steps:
${steps}`;
}

const problems = (text: string) =>
  checkWorkflow("w.yml", text).map((f) => `${f.line}: ${f.problem}`);

describe("check-workflows", () => {
  it("accepts a pinned action with its version, secrets on the step, env in run", () => {
    const text = workflow(`      - uses: actions/checkout@${SHA} # v4.4.0
      - env:
          TITLE: \${{ github.event.pull_request.title }}
          KEY: \${{ secrets.KEY }}
        run: echo "$TITLE"
`);
    expect(problems(text)).toStrictEqual([]);
  });

  it("refuses an action pinned by tag, and a SHA without a version comment", () => {
    const text = workflow(`      - uses: actions/checkout@v4
      - uses: actions/setup-node@${SHA}
`);
    expect(problems(text)).toStrictEqual([
      "7: actions/checkout@v4 is not pinned by a commit SHA: write actions/checkout@<40-hex commit> # <version>",
      `8: actions/setup-node@${SHA} has no version comment: add "# v<version>" after the SHA`,
    ]);
  });

  it("refuses secrets in job-level env", () => {
    const text = workflow(
      `      - run: true
`,
      { jobEnv: "    env:\n      TOKEN: ${{ secrets.TOKEN }}\n" },
    );
    expect(problems(text)).toStrictEqual([
      "7: job one: env TOKEN holds a secret, which every step sees: set it on the step that needs it",
    ]);
  });

  it("refuses pull_request_target with a checkout of the head", () => {
    const text = workflow(
      `      - uses: actions/checkout@${SHA} # v4.4.0
        with:
          ref: \${{ github.event.pull_request.head.sha }}
`,
      { on: "[pull_request_target]" },
    );
    expect(problems(text)).toStrictEqual([
      "9: pull_request_target checks out the pull request's head: its code would run with this repository's secrets; use pull_request",
    ]);
  });

  it("refuses github.event and head_ref interpolated in run", () => {
    const text = workflow(`      - run: echo "\${{ github.event.pull_request.title }}"
      - run: git checkout \${{ github.head_ref }}
`);
    const message =
      'run: interpolates ${{ github.event... }} or ${{ github.head_ref }}, which a pull request can turn into commands: pass it through env: and use "$NAME"';
    expect(problems(text)).toStrictEqual([`7: ${message}`, `8: ${message}`]);
  });

  it("finds nothing in the project's own workflows", () => {
    const dir = join(PROJECT_ROOT, ".github", "workflows");
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      expect(checkWorkflow(file, readFileSync(join(dir, file), "utf8"))).toStrictEqual([]);
    }
  });
});
