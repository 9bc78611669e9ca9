/**
 * `npm run policy`: the policy commands on XML files (policies/cli.ts) and on the rules a stack
 * file declares (`--stack`), which only the program can read (templates, included files), plus
 * `build`, which prints the XML the stack's rules become at upload.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import {
  errorText,
  parseCommandLine,
  runMain,
  usageError,
  UsageError,
  wantsHelp,
} from "../cli/command";
import { buildPolicyXml } from "../policies/build";
import { runPolicyCli, POLICY_HELP, type CliIo } from "../policies/cli";
import { explainPolicy } from "../policies/describe";
import { formatFinding, hasErrors } from "../policies/findings";
import { lintPolicy } from "../policies/lint";
import { policySchema } from "../policies/model";
import { loadStackConfig } from "./config";
import { policyArgs } from "./resource-policies";
import { engineConfig, stackFileValues } from "./stack-values";

const STACK_USAGE = `  npm run policy -- lint --stack <stack or file> [--resource <id>]
  npm run policy -- explain --stack <stack or file> [--resource <id>]
  npm run policy -- build --stack <stack or file> [--resource <id>]
`;

export const HELP = `${POLICY_HELP}
With --stack (a stack name, for Pulumi.<stack>.yaml, or a stack file's path), the commands read
the policies the stack file declares (templates, rules, xml; included files too), each resource's
in turn or only --resource's:
${STACK_USAGE}
build     prints the XACML each policy becomes at upload (an xml policy as written).

Reads: the stack file and the files it includes; its plain values only (no secret, no backend).
`;

/** The keys a policy depends on: the rest (credentials, clients) is not read. */
const POLICY_KEYS = ["environment", "org", "resources", "include"];

const STACK_COMMAND_LINE = {
  options: { stack: "string", resource: "string" },
  positionals: true,
  usage: `usage:\n${STACK_USAGE}(npm run policy -- --help says more)`,
  unknownArgument: (arg: string) => `unexpected ${arg}`,
} as const;

/** The stack command's parts; throws a usage error when they do not make one. */
function stackCommandLine(args: string[]): { command: string; stack: string; only?: string } {
  const parsed = parseCommandLine(STACK_COMMAND_LINE, args);
  const [command, ...extra] = parsed === "help" ? [] : parsed.positionals;
  const { stack, resource } = parsed === "help" ? {} : parsed.options;
  if (extra.length > 0) throw usageError(STACK_COMMAND_LINE, `unexpected ${extra.join(" ")}`);
  if (command === undefined || !["lint", "explain", "build"].includes(command) || !stack) {
    throw new UsageError(STACK_COMMAND_LINE.usage);
  }
  return { command, stack, ...(resource === undefined ? {} : { only: resource }) };
}

export function runStackPolicyCli(args: string[], io: CliIo, projectDir: string): number {
  if (wantsHelp(args) || args[0] === "help") {
    io.out(HELP);
    return 0;
  }
  if (!args.includes("--stack")) return runPolicyCli(args, io);
  let parts: ReturnType<typeof stackCommandLine>;
  try {
    parts = stackCommandLine(args);
  } catch (error) {
    io.err(`${errorText(error)}\n`);
    return 2;
  }
  const { command, stack, only } = parts;
  const file = /\.ya?ml$/.test(stack)
    ? isAbsolute(stack)
      ? stack
      : resolve(process.env.INIT_CWD ?? projectDir, stack)
    : join(projectDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    io.err(
      `no stack file ${file}: name a stack of this project (Pulumi.<stack>.yaml) or a stack file's path\n`,
    );
    return 2;
  }
  let config: ReturnType<typeof loadStackConfig>;
  try {
    config = loadStackConfig(
      engineConfig(stackFileValues(file), POLICY_KEYS),
      projectDir,
      () => false,
    );
  } catch (error) {
    io.err(`${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const specs = config.resources.filter(
    (r) => r.policy !== undefined && (only === undefined || r.identifier === only),
  );
  if (specs.length === 0) {
    io.err(
      `${file}: ${only ? `no resource ${only} with a policy` : "no resource declares a policy"}\n`,
    );
    return 2;
  }
  let failed = false;
  for (const spec of specs) {
    const args = policyArgs(spec.policy!, config.org.code);
    const resourceType = spec.resourceType ?? "CorrespondenceService";
    if (args.xml !== undefined) {
      // Kept as XML: the XML commands read it as they read a file.
      const code =
        command === "build"
          ? (io.out(`${args.xml}\n`), 0)
          : runPolicyCli([command, spec.identifier, "--resource", spec.identifier], {
              ...io,
              readFile: () => args.xml as string,
            });
      failed ||= code !== 0;
      continue;
    }
    const policy = policySchema.parse(args.policy);
    if (command === "build") {
      io.out(buildPolicyXml(policy, { resourceId: spec.identifier }));
    } else if (command === "explain") {
      io.out(explainPolicy(policy, { resourceId: spec.identifier }));
    } else {
      const findings = lintPolicy(policy, {
        resourceId: spec.identifier,
        resourceType,
        owner: config.org.code,
      });
      const errors = findings.filter((f) => f.severity === "error").length;
      io.out(`${spec.identifier}: ${resourceType} checks\n`);
      for (const finding of findings) io.out(`${formatFinding(finding)}\n`);
      io.out(`${plural(errors, "error")}, ${plural(findings.length - errors, "warning")}\n`);
      failed ||= hasErrors(findings);
    }
  }
  return failed ? 1 : 0;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

if (require.main === module) {
  runMain((argv) =>
    runStackPolicyCli(
      argv,
      {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
        readFile: (path) => readFileSync(path, "utf8"),
      },
      process.cwd(),
    ),
  );
}
