/**
 * `npm run simulator`: the simulator as a standalone server, for the `local` stack.
 *
 *   --port <n>        default 5055 (the local stack's altinn-iac:simulatorUrl)
 *   --persist <file>  keep state between runs (default .altinn-iac/simulator-state.json)
 *   --environment <tt02|prod>
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { startSimulator } from "./server";

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

async function main(): Promise<void> {
  const persistFile = option("persist", ".altinn-iac/simulator-state.json");
  mkdirSync(dirname(persistFile), { recursive: true });
  const environment = option("environment", "tt02");
  if (environment !== "tt02" && environment !== "prod") {
    throw new Error(`--environment must be tt02 or prod`);
  }
  const simulator = await startSimulator({
    port: Number(option("port", "5055")),
    persistFile,
    environment,
  });
  process.stdout.write(`altinn simulator (${environment}) listening on ${simulator.url}\n`);
  const stop = () => void simulator.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
