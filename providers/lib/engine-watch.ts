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

/** Whether process `pid` runs `name` (by /proc/<pid>/cmdline; false where that cannot be read). */
export function runs(pid: number, name: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]!.endsWith(name);
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
