import { alive, parentPidOf, runs, watchEngine } from "../providers/lib/engine-watch";

/**
 * Ends the program, and the language host that started it, once the engine is gone (a killed
 * `pulumi`): the host would otherwise wait up to five minutes for its health check
 * (pulumi-language-nodejs, rpcutil.Healthcheck). Imported first by index.ts.
 */
const engineAddress = process.env.PULUMI_NODEJS_ENGINE;
if (engineAddress) {
  const host = process.ppid;
  const engine = parentPidOf(host);
  const stopHost = () => {
    if (runs(host, "pulumi-language-nodejs")) process.kill(host, "SIGTERM");
  };
  watchEngine(engineAddress, () => {
    stopHost();
    process.exit(1);
  });
  // The program may end first, its engine calls failing: the host must not outlive the engine.
  process.on("exit", () => {
    if (engine !== undefined && !alive(engine)) stopHost();
  });
}
