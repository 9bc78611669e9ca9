import { spawn } from "node:child_process";
import { parentPidOf, runs, watchEngine } from "../providers/lib/engine-watch";

/**
 * Ends the program, and the language host that started it, once the engine is gone (a killed
 * `pulumi`): the host would otherwise wait up to five minutes for its health check
 * (pulumi-language-nodejs, rpcutil.Healthcheck). Imported first by index.ts.
 */
const LANGUAGE_HOST = "pulumi-language-nodejs";

/**
 * Runs detached beside the program: the program may end before the engine, or be ended by the
 * host, and an engine that fails (a provider that died) may end without ending the host. Polls
 * until the host is gone, or ends it once the engine is. Arguments: the engine's and host's pids.
 */
const HOST_WATCHER = `
const [engine, host] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; } };
const isHost = () => { try { return require("fs").readFileSync("/proc/" + host + "/cmdline", "utf8").split("\\0")[0].endsWith("${LANGUAGE_HOST}"); } catch { return false; } };
setInterval(() => {
  if (!isHost()) process.exit(0);
  if (!alive(engine)) { process.kill(host, "SIGTERM"); process.exit(0); }
}, 500);`;

const engineAddress = process.env.PULUMI_NODEJS_ENGINE;
if (engineAddress) {
  const host = process.ppid;
  const engine = parentPidOf(host);
  watchEngine(engineAddress, () => {
    if (runs(host, LANGUAGE_HOST)) process.kill(host, "SIGTERM");
    process.exit(1);
  });
  if (engine !== undefined && runs(host, LANGUAGE_HOST)) {
    spawn(process.execPath, ["-e", HOST_WATCHER, String(engine), String(host)], {
      detached: true,
      stdio: "ignore",
    }).unref();
  }
}
