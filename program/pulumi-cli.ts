import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_SIMULATOR_URL, ENVIRONMENTS } from "../providers/lib/environments";
import { printHelp, runMain, wantsHelp } from "../cli/command";
import { startSimulator } from "../simulator/server";
import {
  ensurePulumiEngine,
  LOCAL_STATE_DIR,
  LOCAL_STACK,
  localBackendUrl,
  exportLines,
  stackArgument,
} from "../cli/pulumi-engine";
import { environmentOf, stackFileValues } from "./stack-values";

export const PULUMI_HELP = `usage: npm run pulumi -- <pulumi arguments>      such as: npm run pulumi -- preview --stack local
       npm run -s pulumi -- --print-env [--stack <name>]   then: eval "$(npm run -s pulumi -- --print-env --stack local)"

Runs the Pulumi CLI the way \`npm run demo\` does, from the project directory:
- the engine: the pulumi on PATH if there is one, otherwise the one scripts/install-engine.sh
  builds into ~/.pulumi/versions/<version>/bin (built first when missing);
- the backend: PULUMI_BACKEND_URL, your \`pulumi login\` or PULUMI_ACCESS_TOKEN when set,
  otherwise the demo's file backend ${LOCAL_STATE_DIR} (file://...?metadata=skip);
- the passphrase: PULUMI_CONFIG_PASSPHRASE(_FILE) when set, otherwise for the local stack
  the demo's published passphrase altinn-iac-local (other stacks: set your own);
- for a stack whose environment is local: the simulator, started for the command (state in
  .altinn-iac/simulator-state.json, shared with the demo) unless one answers at its simulatorUrl;
  and the local stack is created in the demo backend if it is not there yet.
--print-env prints these settings as export lines for your own shell instead of running pulumi.

Reads:  Pulumi.<stack>.yaml (environment and simulatorUrl), the environment.
Writes: what the pulumi command writes; ${LOCAL_STATE_DIR} when the demo backend is used.
Exits:  pulumi's exit code; 1 when the engine cannot be found or built.
pulumi's own help: npm run pulumi -- help`;

/** Commands that call the remote APIs (so, for a local stack, the simulator). */
const REMOTE_COMMANDS = new Set(["preview", "pre", "up", "update", "refresh", "destroy", "import"]);

/**
 * The simulator URL of a stack whose environment the simulator serves (its stack file's plain
 * values), or undefined: no stack file, or another environment.
 */
function simulatorUrlOf(stack: string): string | undefined {
  const file = `Pulumi.${stack}.yaml`;
  if (!existsSync(file)) return undefined;
  const values = stackFileValues(file);
  if (!ENVIRONMENTS[environmentOf(values)].simulator) return undefined;
  return values.get("simulatorUrl") ?? DEFAULT_SIMULATOR_URL;
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/resourceregistry/api/v1/resource/orgs`, {
      signal: AbortSignal.timeout(2000),
    });
    return true;
  } catch {
    return false;
  }
}

function run(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", args, { stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}

async function main(argv: string[]): Promise<number> {
  // Every other argument is pulumi's, its --help included (npm run pulumi -- up --help).
  if (argv.length === 1 && wantsHelp(argv)) return printHelp(PULUMI_HELP);
  if (argv.length === 0) {
    printHelp(PULUMI_HELP);
    return 2;
  }
  const stack = stackArgument(argv);
  if (argv.includes("--print-env")) {
    for (const line of exportLines(ensurePulumiEngine(stack))) console.log(line);
    return 0;
  }
  ensurePulumiEngine(stack);
  // The demo's backend, given by the locator or named by the user (as the demo's scripts do).
  const demoBackend = process.env.PULUMI_BACKEND_URL === localBackendUrl(process.cwd());
  if (demoBackend) mkdirSync(LOCAL_STATE_DIR, { recursive: true });
  if (
    demoBackend &&
    stack === LOCAL_STACK &&
    !existsSync(join(LOCAL_STATE_DIR, ".pulumi", "stacks", "altinn-iac", `${LOCAL_STACK}.json`))
  ) {
    spawnSync("pulumi", ["stack", "init", LOCAL_STACK, "--non-interactive"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  // Only a command that calls the APIs reads the environment (config set may be fixing it).
  const url = stack && argv.some((a) => REMOTE_COMMANDS.has(a)) ? simulatorUrlOf(stack) : undefined;
  let simulator: { close(): Promise<void> } | undefined;
  if (url !== undefined && !(await answers(url))) {
    simulator = await startSimulator({
      host: new URL(url).hostname,
      port: Number(new URL(url).port || 80),
      persistFile: join(".altinn-iac", "simulator-state.json"),
    });
    process.stderr.write(`simulator started at ${url} for this command\n`);
  }
  // Ctrl-C reaches pulumi too (same process group); it decides how to stop.
  process.on("SIGINT", () => undefined);
  try {
    return await run(argv);
  } finally {
    await simulator?.close();
  }
}

runMain(main);
