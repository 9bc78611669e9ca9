import { stopLanguageHost, watchEngine, watchLanguageHosts } from "../providers/lib/engine-watch";

/**
 * Ends the program, and the language host that runs it, once the engine is gone (a killed
 * `pulumi`). Imported first by index.ts.
 */
const engineAddress = process.env.PULUMI_NODEJS_ENGINE;
if (engineAddress) {
  watchEngine(engineAddress, () => {
    stopLanguageHost();
    process.exit(1);
  });
  watchLanguageHosts(engineAddress);
}
