import { randomBytes } from "node:crypto";
import { TestStack, type CliResult } from "../test/support/pulumi-cli";
import type { ProviderContext } from "../providers/lib/context";
import { describeObjects, prefixedObjects, remoteDifferences } from "./remote";
import { prefixPattern, stackCollections, type AcceptanceSetup } from "./setup";

/**
 * One acceptance run with the real engine: a throwaway stack `acceptance-<run>` in its own file
 * backend goes through up, preview (no change), refresh (no change), a change and destroy, and
 * after each step the remote side is read through the API clients and compared with what the step
 * declared. A failed step is followed by a destroy, so a run leaves nothing unless that fails too.
 */

export interface RunOptions {
  /** For the remote checks: the same environment and credentials the providers get. */
  ctx: ProviderContext;
  org: { code: string; number: string };
  runId: string;
  /** The stack config besides the setup: environment, org, endpoints. */
  baseValues: Record<string, unknown>;
  /** The credentials, handed to the providers as ALTINN_IAC_* variables (never in the stack file). */
  env: NodeJS.ProcessEnv;
  setups: { initial: AcceptanceSetup; changed: AcceptanceSetup };
  log: (line: string) => void;
}

interface Step {
  name: string;
  run(stack: TestStack): Promise<CliResult>;
  /** The declared setup after the step; undefined when nothing of the run may be left. */
  expect?: AcceptanceSetup;
}

export async function runAcceptance(options: RunOptions): Promise<boolean> {
  const { setups, log } = options;
  const values = (setup: AcceptanceSetup) => ({
    values: { ...options.baseValues, ...stackCollections(setup) },
  });
  const steps: Step[] = [
    { name: "up", run: (s) => s.up(), expect: setups.initial },
    {
      name: "preview (no change)",
      run: (s) => s.pulumiOk(["preview", "--expect-no-changes", "--diff"]),
      expect: setups.initial,
    },
    {
      name: "refresh (no change)",
      run: (s) => s.pulumiOk(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]),
      expect: setups.initial,
    },
    {
      name: "change",
      run: async (s) => {
        await s.setConfig(values(setups.changed));
        return s.up();
      },
      expect: setups.changed,
    },
    { name: "destroy", run: (s) => destroy(s) },
  ];

  // The state holds the new client's private key: encrypted with a passphrase nobody else knows.
  const env = { ...options.env, PULUMI_CONFIG_PASSPHRASE: randomBytes(24).toString("hex") };
  const stack = await TestStack.create(values(setups.initial), env, `acceptance-${options.runId}`);
  log(`stack ${stack.name} (file backend ${stack.backendDir})`);
  let destroyed = false;
  try {
    for (const step of steps) {
      const started = Date.now();
      const problems = await stepProblems(options, stack, step);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (problems.length > 0) {
        log(`FAIL ${step.name} (${seconds} s):`);
        for (const problem of problems) log(`  ${problem}`);
        return false;
      }
      destroyed ||= step.expect === undefined;
      log(`ok   ${step.name} (${seconds} s)`);
    }
    return true;
  } finally {
    if (!destroyed) await cleanUp(options, stack);
    await stack.remove();
  }
}

/** Runs the step and compares the remote side with it; what went wrong, one line each. */
async function stepProblems(options: RunOptions, stack: TestStack, step: Step): Promise<string[]> {
  try {
    await step.run(stack);
  } catch (error) {
    return [lastLines(error instanceof Error ? error.message : String(error))];
  }
  if (step.expect) return remoteDifferences(options.ctx, options.org.code, step.expect);
  const left = await leftovers(options);
  return left.map((what) => `${what} is still there after destroy`);
}

function destroy(stack: TestStack): Promise<CliResult> {
  return stack.pulumiOk(["destroy", "--yes", "--skip-preview"]);
}

/** After a failed step: destroy what the stack holds and name what is left, for --sweep. */
async function cleanUp(options: RunOptions, stack: TestStack): Promise<void> {
  const { log } = options;
  try {
    await destroy(stack);
    log("destroyed what the failed run had made");
  } catch (error) {
    log(`the destroy after the failure failed too:\n${lastLines(String(error))}`);
  }
  const left = await leftovers(options).catch((error: unknown) => [
    `(the leftovers could not be listed: ${String(error)})`,
  ]);
  if (left.length === 0) return;
  log("left behind (remove them with `npm run acceptance -- --sweep --stack <the same stack>`):");
  for (const what of left) log(`  ${what}`);
}

async function leftovers(options: RunOptions): Promise<string[]> {
  const { ctx, org, runId } = options;
  return describeObjects(
    ctx,
    org.code,
    await prefixedObjects(ctx, org.code, prefixPattern(org.code, runId)),
  );
}

/** A long engine output cut to its first line (the command) and its end (where the error is). */
function lastLines(text: string, count = 40): string {
  const lines = text.trimEnd().split("\n");
  if (lines.length <= count + 1) return lines.join("\n");
  return [lines[0], "...", ...lines.slice(-count)].join("\n");
}
