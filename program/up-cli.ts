import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { printHelp, runMain, UsageError, wantsHelp } from "../cli/command";
import { alive } from "../providers/lib/engine-watch";
import { usePulumiEngine } from "../cli/pulumi-engine";

export const UP_HELP = `usage: npm run up -- --stack <name> [pulumi up options]

Runs \`pulumi up\` for the stack, first settling what an interrupted run (a crash, a kill) left:

- a lock held by a pulumi process that no longer runs on this machine (file backend): released
  with \`pulumi cancel\`;
- pending operations in the state (the engine's record of creates, updates and deletes that
  never answered): \`pulumi refresh --clear-pending-creates\` reads every object again and drops
  the pending creates; the up's creates then find what those attempts made by each object's
  natural key and take it over instead of making a twin (docs/decisions.md);
- a last run that failed (a provider process that died): the up reads every object first
  (--refresh), as the state may name objects that run deleted.

Reads: the stack's state (pulumi stack export), its last run (pulumi stack history) and, for a
file backend, its lock files.
Writes: the stack's state (refresh, up) and, through up, the remote objects the stack declares.
Options after --stack go to pulumi up unchanged (such as --yes --skip-preview --refresh).
The backend and passphrase come from the environment, as for any pulumi command.`;

/** Said when --stack is missing; other options go to pulumi up, which judges them. */
export const UP_USAGE_ERROR =
  "name the stack: npm run up -- --stack <name> [pulumi up options] (npm run up -- --help says more)";

export function parseArgs(argv: string[]): { stack: string; upArgs: string[] } | "help" {
  if (wantsHelp(argv)) return "help";
  const at = argv.indexOf("--stack");
  const stack = at >= 0 ? argv[at + 1] : undefined;
  if (!stack || stack.startsWith("-")) throw new UsageError(UP_USAGE_ERROR);
  return { stack, upArgs: [...argv.slice(0, at), ...argv.slice(at + 2)] };
}

interface LockContent {
  pid: number;
  hostname: string;
}

/** The stack's lock files in a file backend (`file://<dir>[?...]`), with what each holds. */
export function fileBackendLocks(backendUrl: string | undefined, stack: string): LockContent[] {
  if (!backendUrl?.startsWith("file://")) return [];
  const dir = decodeURIComponent(backendUrl.slice("file://".length).split("?")[0]!);
  const locks = join(dir, ".pulumi", "locks");
  if (!existsSync(locks)) return [];
  return (readdirSync(locks, { recursive: true }) as string[])
    .filter((file) => file.endsWith(".json") && file.split(/[\\/]/).slice(-2)[0] === stack)
    .map((file) => JSON.parse(readFileSync(join(locks, file), "utf8")) as LockContent);
}

/** Whether every lock was taken by a pulumi process of this machine that has ended. */
export function onlyStaleLocks(locks: readonly LockContent[]): boolean {
  return locks.length > 0 && locks.every((l) => l.hostname === hostname() && !alive(l.pid));
}

export interface PendingOperation {
  type: string;
  resource: { urn: string };
}

/** Whether the newest entry of `pulumi stack history --json` did not succeed. */
export function lastRunFailed(history: string): boolean {
  const [latest] = JSON.parse(history || "[]") as Array<{ result?: string }>;
  return latest !== undefined && latest.result !== "succeeded";
}

/** The pending operations of an exported deployment (`pulumi stack export`). */
export function pendingOperations(exported: string): PendingOperation[] {
  const parsed = JSON.parse(exported) as {
    deployment?: { pending_operations?: PendingOperation[] };
  };
  return parsed.deployment?.pending_operations ?? [];
}

function pulumi(args: string[], capture = false): { status: number; stdout: string } {
  const result = spawnSync("pulumi", args, {
    encoding: "utf8",
    stdio: ["inherit", capture ? "pipe" : "inherit", "inherit"],
  });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout ?? "" };
}

function main(argv: string[]): number {
  const parsed = parseArgs(argv);
  if (parsed === "help") return printHelp(UP_HELP);
  const { stack, upArgs } = parsed;
  usePulumiEngine(stack);
  const target = ["--stack", stack, "--non-interactive"];
  if (onlyStaleLocks(fileBackendLocks(process.env.PULUMI_BACKEND_URL, stack))) {
    console.error(`the lock of stack ${stack} was left by a pulumi that no longer runs: released`);
    if (pulumi(["cancel", "--yes", ...target]).status !== 0) return 1;
  }
  const exported = pulumi(["stack", "export", ...target], true);
  if (exported.status !== 0) return exported.status;
  const pending = pendingOperations(exported.stdout);
  if (pending.length > 0) {
    console.error(
      `an interrupted run left ${pending.length} pending operation(s) (${pending
        .map((op) => `${op.type} ${op.resource.urn.split("::").pop()}`)
        .join(", ")}): reading every object again before the up`,
    );
    const refresh = pulumi([
      "refresh",
      "--yes",
      "--skip-preview",
      "--clear-pending-creates",
      ...target,
    ]);
    if (refresh.status !== 0) return refresh.status;
  } else if (!upArgs.includes("--refresh")) {
    const history = pulumi(["stack", "history", "--json", "--page-size", "1", ...target], true);
    if (history.status === 0 && lastRunFailed(history.stdout)) {
      console.error(`the last run of stack ${stack} failed: reading every object again first`);
      upArgs.push("--refresh");
    }
  }
  return pulumi(["up", ...upArgs, ...target]).status;
}

if (require.main === module) runMain(main);
