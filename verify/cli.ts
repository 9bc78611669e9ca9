import { execFileSync } from "node:child_process";
import { usePulumiEngine } from "../cli/pulumi-engine";
import { z } from "zod";
import { ENVIRONMENT_NAMES, resolveEndpoints } from "../providers/lib/environments";
import { checkLabel } from "../providers/verification/target";
import { verify } from "../providers/verification/verify";

/**
 * `npm run verify -- --stack <name> [--allow-prod]`: verifies a deployed stack end to end from its
 * `verification` output (the program exports it when `altinn-iac:verification` is set). The
 * stack's backend and passphrase come from the environment, as for any `pulumi` command.
 */

export const verificationOutputSchema = z.object({
  environment: z.enum(ENVIRONMENT_NAMES),
  simulatorUrl: z.string().optional(),
  orgCode: z.string(),
  resourceId: z.string(),
  clientId: z.string(),
  keyId: z.string(),
  privateKeyPem: z.string(),
  recipient: z.string(),
});

const USAGE = "usage: npm run verify -- --stack <name> [--allow-prod]";

export const VERIFY_HELP = `${USAGE}

Proves a deployed stack end to end, as the sending application will use it: a Maskinporten token
for the stack's verification client (altinn-iac:verification), the exchange for an Altinn token,
a test message sent through Altinn Correspondence to the verification recipient, its status, and
the Events notice of it (waiting up to verification.eventsWaitSeconds; Events shows an event
about 30 s after it is registered).

Reads: the stack's verification output (pulumi stack output --show-secrets; the stack's backend
and passphrase as for npm run pulumi). Writes: one correspondence (a real message) to the
recipient; no stack state, no file. In prod it sends only with --allow-prod.
Exits: 0 when every check passes, 1 when one fails, 2 on a usage or setup error.`;

export function parseArgs(argv: string[]): { stack: string; allowProd: boolean } | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  const unknown = argv.find(
    (a, i) =>
      a.startsWith("-") && a !== "--stack" && a !== "--allow-prod" && argv[i - 1] !== "--stack",
  );
  if (unknown)
    throw new Error(`unknown option ${unknown}\n${USAGE}\n(npm run verify -- --help says more)`);
  const stackAt = argv.indexOf("--stack");
  const stack = stackAt >= 0 ? argv[stackAt + 1] : undefined;
  if (!stack || stack.startsWith("-")) throw new Error(`name the stack\n${USAGE}`);
  return { stack, allowProd: argv.includes("--allow-prod") };
}

function stackOutputs(stack: string): Record<string, unknown> {
  const text = execFileSync(
    "pulumi",
    ["stack", "output", "--json", "--show-secrets", "--stack", stack],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(text) as Record<string, unknown>;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args === "help") {
    console.log(VERIFY_HELP);
    return 0;
  }
  const { stack, allowProd } = args;
  usePulumiEngine(stack);
  const parsed = verificationOutputSchema.safeParse(stackOutputs(stack).verification);
  if (!parsed.success) {
    console.error(
      `stack ${stack} has no usable verification output: set altinn-iac:verification (client, resource, recipient) and run pulumi up`,
    );
    return 2;
  }
  const output = parsed.data;
  const result = await verify(
    {
      environment: output.environment,
      endpoints: resolveEndpoints(output.environment, {}, output.simulatorUrl),
      orgCode: output.orgCode,
      resourceId: output.resourceId,
      credentials: {
        clientId: output.clientId,
        keyId: output.keyId,
        privateKey: output.privateKeyPem,
      },
      recipient: output.recipient,
    },
    { allowProd, log: (line) => console.log(line) },
  );
  for (const check of result.checks) {
    console.log(`${checkLabel(check)} ${check.name}: ${check.detail}`);
  }
  console.log(result.ok ? "verification passed" : "verification failed");
  return result.ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
