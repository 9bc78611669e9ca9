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
 * Runs detached beside a run: once nothing listens at the engine's address, ends the language
 * hosts started with that address (the engine passes it to each plugin). A killed engine, or one
 * that ends after its provider died, leaves them waiting five minutes for their health check
 * (pulumi-language-nodejs, rpcutil.Healthcheck), and a destroy's host runs no program that could
 * end it. Argument: the engine's address. Linux (/proc) only.
 */
const HOST_WATCHER = `
const fs = require("fs");
const address = process.argv[1];
const [host, port] = [address.slice(0, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))];
const hosts = () => fs.readdirSync("/proc").filter((e) => /^\\d+$/.test(e)).filter((pid) => {
  try { const argv = fs.readFileSync("/proc/" + pid + "/cmdline", "utf8").split("\\0"); return argv[0].endsWith("${LANGUAGE_HOST}") && argv.includes(address); } catch { return false; }
});
const check = () => {
  const socket = require("net").connect({ host, port });
  socket.setTimeout(2000, () => socket.destroy());
  socket.once("connect", () => socket.destroy());
  socket.once("error", (error) => {
    if (error.code !== "ECONNREFUSED") return;
    clearInterval(timer);
    // A host may ignore SIGTERM while its gRPC server drains: SIGKILL follows.
    for (const pid of hosts()) process.kill(Number(pid), "SIGTERM");
    setTimeout(() => { for (const pid of hosts()) process.kill(Number(pid), "SIGKILL"); process.exit(0); }, 1000);
  });
};
const timer = setInterval(check, 500);`;

/** Starts the host watcher for the engine at `address` (Linux; elsewhere only polling applies). */
export function watchLanguageHosts(address: string): void {
  if (process.platform !== "linux") return;
  spawn(process.execPath, ["-e", HOST_WATCHER, address], {
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
