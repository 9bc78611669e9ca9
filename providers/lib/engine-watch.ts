import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";

/**
 * The engine stops the program and the dynamic provider when it ends; killed, it stops nothing,
 * and they went on writing for minutes (issue 16). Both watch the engine's gRPC address: once
 * nothing listens there, the process exits. The provider also checks before every remote write,
 * so no write starts after the engine is gone.
 */

const POLL_MS = 1_000;

/** Whether something listens at `address` (host:port). Only a refused connection says no. */
export function listening(address: string, timeoutMs = 2_000): Promise<boolean> {
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon).replace(/^\[|\]$/g, "");
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    // A slow answer is a busy engine, not a dead one.
    socket.setTimeout(timeoutMs, () => done(true));
    socket.once("connect", () => done(true));
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code !== "ECONNREFUSED"));
  });
}

let watched: { address: string; onGone: () => void } | undefined;

/** Polls the engine at `address`; `onGone` runs once it is gone and must end the process. */
export function watchEngine(address: string, onGone: () => void): void {
  watched = { address, onGone };
  setInterval(() => void checkEngine(), POLL_MS).unref();
}

/** Ends the process (through `onGone`) when the watched engine is gone; no-op when unwatched. */
export async function checkEngine(): Promise<void> {
  const current = watched;
  if (current && !(await listening(current.address))) current.onGone();
}

/** The engine address of Pulumi's dynamic-provider process (its first argument), else undefined. */
export function dynamicProviderEngineAddress(): string | undefined {
  const main = require.main?.filename ?? "";
  return /[\\/]cmd[\\/]dynamic-provider[\\/]/.test(main) ? process.argv[2] : undefined;
}

/** The parent pid of `pid` from /proc (Linux); undefined elsewhere. */
export function parentPidOf(pid: number): number | undefined {
  try {
    // Field 4 of /proc/<pid>/stat, after the parenthesised command name.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether process `pid` runs the program `name` (by /proc/<pid>/cmdline; false elsewhere). */
export function runs(pid: number, name: string): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]!;
    return argv0.split("/").pop() === name;
  } catch {
    return false;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const LANGUAGE_HOST = "pulumi-language-nodejs";

/**
 * Runs detached beside a run: notes the engine's language hosts while it lives and ends them once
 * it is gone. A killed engine, or one that ends after its provider died, leaves them waiting five
 * minutes for their health check (pulumi-language-nodejs, rpcutil.Healthcheck); a destroy's host
 * runs no program that could end it. Argument: the engine's pid.
 */
const HOST_WATCHER = `
const fs = require("fs");
const engine = Number(process.argv[1]);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; } };
const isHost = (pid) => { try { return fs.readFileSync("/proc/" + pid + "/cmdline", "utf8").split("\\0")[0].endsWith("${LANGUAGE_HOST}"); } catch { return false; } };
const parentOf = (pid) => { try { const s = fs.readFileSync("/proc/" + pid + "/stat", "utf8"); return Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[1]); } catch { return 0; } };
const hosts = new Set();
const timer = setInterval(() => {
  if (alive(engine)) {
    for (const e of fs.readdirSync("/proc")) if (/^\\d+$/.test(e) && parentOf(Number(e)) === engine && isHost(Number(e))) hosts.add(Number(e));
    return;
  }
  clearInterval(timer);
  // The host may ignore SIGTERM while its gRPC server drains: SIGKILL follows.
  for (const host of hosts) if (isHost(host)) process.kill(host, "SIGTERM");
  setTimeout(() => {
    for (const host of hosts) if (isHost(host)) process.kill(host, "SIGKILL");
    process.exit(0);
  }, 1000);
}, 500);`;

/** The pid of the `pulumi` process above this one (within three generations), Linux only. */
export function enginePid(): number | undefined {
  let pid: number | undefined = process.ppid;
  for (let generation = 0; generation < 3 && pid !== undefined; generation++) {
    if (runs(pid, "pulumi")) return pid;
    pid = parentPidOf(pid);
  }
  return undefined;
}

/** Starts the host watcher for the engine above this process, if there is one (Linux). */
export function watchLanguageHosts(): void {
  const engine = enginePid();
  if (engine === undefined) return;
  spawn(process.execPath, ["-e", HOST_WATCHER, String(engine)], {
    detached: true,
    stdio: "ignore",
  }).unref();
}

/**
 * Ends the language host this process runs under, if it does: the engine is gone, so the host
 * has nothing left to do or save (it may ignore SIGTERM, hence SIGKILL).
 */
export function stopLanguageHost(): void {
  if (runs(process.ppid, LANGUAGE_HOST)) process.kill(process.ppid, "SIGKILL");
}
