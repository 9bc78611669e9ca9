/**
 * `npm run policy -- lint <file>` and `npm run policy -- explain <file>`: the linter and the plain
 * words for people who hold policy XML today (from Altinn Studio or written by hand).
 *
 *   lint <file> [--resource <id>] [--type <resourceType>] [--org <code>]
 *     Errors and warnings, each naming the rule and the fix; exits 1 when there is an error.
 *     Without --resource the resource is the one the rules name most, and rules naming another
 *     resource or none are errors. --type defaults to CorrespondenceService (its checks: someone
 *     may read, the owner may write and subscribe, an authentication level, confidentiality), or
 *     AltinnApp for an app policy (rules naming urn:altinn:org and urn:altinn:app);
 *     --org is the owner's org code (default: the org codes the policy names).
 *   explain <file> [--resource <id>]
 *     The obligations and one sentence per rule (read from the XML itself when altinn-iac's
 *     model cannot hold the policy, which is then kept as XML).
 */
import { readFileSync } from "node:fs";
import { explainPolicy, explainXacml } from "./describe";
import { formatFinding, hasErrors } from "./findings";
import { lintPolicyXml } from "./lint";
import { readPolicy } from "./parse";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): string;
}

const USAGE = `usage:
  npm run policy -- lint <file> [--resource <id>] [--type <resourceType>] [--org <code>]
  npm run policy -- explain <file> [--resource <id>]
  npm run policy -- --help
`;

export const POLICY_HELP = `${USAGE}
lint      checks an XACML policy file (from Altinn Studio, an export, or written by hand): each
          error and warning names the rule, its line and the fix. --resource is the resource the
          rules must name (default: the one they name most); --type CorrespondenceService (the
          default) or AltinnApp (rules naming urn:altinn:org and urn:altinn:app); --org the
          owner's org code.
explain   prints the policy's obligations and one sentence per rule.

Reads: the policy file. Writes: nothing but standard output; no remote call.
Exits: 0 fine (warnings may be printed), 1 when lint finds an error, 2 on a usage or file error.
`;

const OPTIONS = ["resource", "type", "org"] as const;

/** Runs the command; returns the exit code (0 fine, 1 policy errors, 2 usage or file errors). */
export function runPolicyCli(args: string[], io: CliIo): number {
  if (args.includes("--help") || args.includes("-h") || args[0] === "help") {
    io.out(POLICY_HELP);
    return 0;
  }
  const [command, ...rest] = args;
  if (command?.startsWith("-")) {
    io.err(
      `unknown option ${command}: name the command first\n${USAGE}(npm run policy -- --help says more)\n`,
    );
    return 2;
  }
  const parsed = parseArgs(rest);
  if ("error" in parsed || (command !== "lint" && command !== "explain")) {
    io.err(
      `${"error" in parsed ? `${parsed.error}\n` : command ? `unknown command "${command}"\n` : ""}${USAGE}(npm run policy -- --help says more)\n`,
    );
    return 2;
  }
  if (command === "explain" && (parsed.options.type || parsed.options.org)) {
    io.err(`explain takes only --resource\n${USAGE}(npm run policy -- --help says more)\n`);
    return 2;
  }
  let xml: string;
  try {
    xml = io.readFile(parsed.file);
  } catch (error) {
    io.err(`cannot read ${parsed.file}: ${(error as Error).message}\n`);
    return 2;
  }
  const resourceId = parsed.options.resource;
  const appPolicy = (resourceId ?? readPolicy(xml).resourceId)?.startsWith("app_") ?? false;
  const resourceType = parsed.options.type ?? (appPolicy ? "AltinnApp" : "CorrespondenceService");
  const result = lintPolicyXml(xml, { resourceId, resourceType, owner: parsed.options.org });
  const resourceLine = result.resourceId
    ? `resource ${result.resourceId}${parsed.options.resource ? "" : " (the resource its rules name)"}`
    : "no resource: no rule names urn:altinn:resource";
  if (command === "explain") {
    const context = { resourceId: result.resourceId, resourceInferred: !resourceId };
    if (result.policy) {
      io.out(explainPolicy(result.policy, { ...context, ruleIds: result.ruleIds }));
    } else if (result.document) {
      io.out(explainXacml(result.document, context));
    } else {
      for (const finding of result.findings) io.err(`${formatFinding(finding)}\n`);
      return 1;
    }
    return 0;
  }
  io.out(`${parsed.file}: ${resourceLine}; ${resourceType} checks\n`);
  for (const finding of result.findings) io.out(`${formatFinding(finding)}\n`);
  const errors = result.findings.filter((f) => f.severity === "error").length;
  const warnings = result.findings.length - errors;
  io.out(`${plural(errors, "error")}, ${plural(warnings, "warning")}\n`);
  return hasErrors(result.findings) ? 1 : 0;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function parseArgs(
  args: string[],
):
  { file: string; options: Partial<Record<(typeof OPTIONS)[number], string>> } | { error: string } {
  const options: Partial<Record<(typeof OPTIONS)[number], string>> = {};
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith("--")) {
      const name = arg.slice(2) as (typeof OPTIONS)[number];
      const value = args[i + 1];
      if (!OPTIONS.includes(name)) return { error: `unknown option ${arg}` };
      if (value === undefined || value.startsWith("--")) return { error: `${arg} needs a value` };
      options[name] = value;
      i++;
    } else {
      files.push(arg);
    }
  }
  if (files.length !== 1) {
    return { error: files.length === 0 ? "name one policy file" : "name one policy file only" };
  }
  return { file: files[0]!, options };
}

if (require.main === module) {
  process.exitCode = runPolicyCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    readFile: (path) => readFileSync(path, "utf8"),
  });
}
