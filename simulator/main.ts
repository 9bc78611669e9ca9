/**
 * `npm run simulator`: the simulator as a standalone server, for the `local` stack (HELP below
 * lists the options).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { startSimulator } from "./server";

const HELP = `usage: npm run simulator -- [--port <n>] [--persist <file>] [--environment tt02|prod]

Runs the Altinn and Digdir simulator the local stack uses (Resource Registry, access lists,
Events, Authentication, Correspondence, Maskinporten, Digdir's self-service API; docs/fidelity.md
says what it follows), until Ctrl-C.
  --port <n>           the port on 127.0.0.1 (default 5055, the local stack's simulatorUrl)
  --persist <file>     where its state is kept between runs (default
                       .altinn-iac/simulator-state.json)
  --environment <e>    tt02 (default) or prod (production's rules, such as no resource deletes)

Reads and writes: the persist file (POST /__admin/reset?confirm=all empties it and the simulator).
Listens on 127.0.0.1 only.
Exits: 0 when stopped, 1 when it cannot start (such as a port in use), 2 on a usage error.`;

const OPTIONS = ["--port", "--persist", "--environment"];

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

const args = process.argv.slice(2);
const unknown = args.find(
  (a, i) => a.startsWith("-") && !OPTIONS.includes(a) && !OPTIONS.includes(args[i - 1] ?? ""),
);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${HELP}\n`);
} else if (unknown) {
  process.stderr.write(`unknown option ${unknown} (npm run simulator -- --help lists them)\n`);
  process.exitCode = 2;
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`simulator failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
