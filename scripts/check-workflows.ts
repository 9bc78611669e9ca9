/**
 * `npm run check:workflows [-- <files>]`: the zizmor-style checks of the GitHub workflows that
 * actionlint does not make (zizmor itself is a PyPI/cargo tool this project cannot install).
 * Reads `.github/workflows/*.yml` (or the files given), writes nothing, and exits 1 listing each
 * finding as `file:line: problem`:
 *
 * - an action not pinned by a full commit SHA with its version in a comment (`@<sha> # v4.4.0`),
 *   so a moved tag cannot change the code that sees the secrets;
 * - secrets in workflow- or job-level `env`, which every step (and every install script) sees;
 * - `pull_request_target` with a checkout of the pull request's head, which runs a stranger's code
 *   with the base repository's secrets;
 * - `${{ github.event... }}` or `${{ github.head_ref }}` inside `run:`, which a pull request's
 *   title or branch name can turn into shell commands (pass them through `env:` instead).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isMap, isScalar, isSeq, parseDocument, type Node } from "yaml";

export interface Finding {
  file: string;
  line: number;
  problem: string;
}

const PINNED = /^[\w.-]+\/[\w.-]+(\/[^@\s]*)?@[0-9a-f]{40}$/;
const UNTRUSTED_IN_RUN = /\$\{\{\s*github\.(event\.|head_ref)/;
const HEAD_REF = /github\.(event\.pull_request\.head\.|head_ref)/;

export function checkWorkflow(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split("\n");
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? text.slice(0, node.range[0]).split("\n").length : 1;
  const add = (node: Node | null | undefined, problem: string) =>
    findings.push({ file, line: lineOf(node), problem });

  const doc = parseDocument(text);
  const root = doc.contents;
  if (!isMap(root)) return findings;

  const secretsIn = (env: unknown, where: string) => {
    if (!isMap(env)) return;
    for (const pair of env.items) {
      if (isScalar(pair.value) && /\bsecrets\./.test(String(pair.value.value))) {
        add(
          pair.value,
          `${where} env ${String((pair.key as { value?: unknown })?.value)} holds a secret, which every step sees: set it on the step that needs it`,
        );
      }
    }
  };
  secretsIn(root.get("env", true), "the workflow's");

  const on: unknown = root.get("on", true);
  const targets = isMap(on)
    ? on.has("pull_request_target")
    : isSeq(on)
      ? on.items.some((i) => isScalar(i) && i.value === "pull_request_target")
      : isScalar(on) && on.value === "pull_request_target";

  const jobs = root.get("jobs", true);
  if (isMap(jobs)) {
    for (const jobPair of jobs.items) {
      const job = jobPair.value;
      if (!isMap(job)) continue;
      const name = String((jobPair.key as { value?: unknown })?.value);
      secretsIn(job.get("env", true), `job ${name}:`);
      const steps = job.get("steps", true);
      if (!isSeq(steps)) continue;
      for (const step of steps.items) {
        if (!isMap(step)) continue;
        const uses = step.get("uses", true);
        if (isScalar(uses) && typeof uses.value === "string") {
          const ref = uses.value;
          const local = ref.startsWith("./") || /^docker:\/\/.+@sha256:[0-9a-f]{64}$/.test(ref);
          const line = lines[lineOf(uses) - 1] ?? "";
          if (!local && !PINNED.test(ref)) {
            add(
              uses,
              `${ref} is not pinned by a commit SHA: write ${ref.split("@")[0]}@<40-hex commit> # <version>`,
            );
          } else if (!local && !/#\s*v?\d/.test(line)) {
            add(uses, `${ref} has no version comment: add "# v<version>" after the SHA`);
          }
          if (targets && /^actions\/checkout@/.test(ref)) {
            const inputs: unknown = step.get("with", true);
            const checkedOut = isMap(inputs) ? inputs.get("ref", true) : undefined;
            if (isScalar(checkedOut) && HEAD_REF.test(String(checkedOut.value))) {
              add(
                checkedOut,
                "pull_request_target checks out the pull request's head: its code would run with this repository's secrets; use pull_request",
              );
            }
          }
        }
        const run = step.get("run", true);
        if (isScalar(run) && UNTRUSTED_IN_RUN.test(String(run.value))) {
          add(
            run,
            'run: interpolates ${{ github.event... }} or ${{ github.head_ref }}, which a pull request can turn into commands: pass it through env: and use "$NAME"',
          );
        }
      }
    }
  }
  return findings;
}

function main(argv: string[]): number {
  const root = join(__dirname, "..");
  const dir = join(root, ".github", "workflows");
  const files =
    argv.length > 0
      ? argv
      : readdirSync(dir)
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => join(dir, f));
  const findings = files.flatMap((file) =>
    checkWorkflow(relative(root, file), readFileSync(file, "utf8")),
  );
  for (const f of findings) console.error(`${f.file}:${f.line}: ${f.problem}`);
  if (findings.length === 0) console.log(`check-workflows: ${files.length} workflows, no findings`);
  return findings.length === 0 ? 0 : 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
