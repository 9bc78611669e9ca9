import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { pendingOperations } from "../../program/up-cli";
import { startSimulator, type Simulator } from "../../simulator/server";
import type { SimState } from "../../simulator/state";
import { simulatorInventory, stateInventory } from "../support/inventory";
import { PROJECT_ROOT, TestStack, type CliResult } from "../support/pulumi-cli";
import { DEMO_PRIVATE_KEY, demoStackValues } from "../support/simulator";

/**
 * The crash trial (issue 16): SIGKILL of `pulumi` or of the dynamic provider at seeded moments of
 * create, update and destroy, POST-then-die included (the kill lands while the simulator answers
 * the create: the object exists, nobody hears back), each followed only by `npm run up`, which
 * releases a dead run's lock and settles its pending operations. Per kill: converged within two
 * ups (exit 0, the state knows exactly the remote objects, no pending operation), no twin (one
 * client per declared name, one subscription per endpoint, one key per client), no process of the
 * killed run alive 5 s after the kill, and no remote write after it. A final preview per stack
 * shows no change. Setup: the local stack without its access-list mode (resource, policy, access
 * list, client, key, subscription). What it does not prove: the real services, or a kill of the whole machine.
 */

/**
 * One stack per seed: a killed create, then (seeds up to 8) a killed update or destroy: 21 kills,
 * 13 in creates. CRASH_SEEDS=<n> runs the first n, CRASH_SEED=3,5 only those.
 */
const SEEDS = Array.from({ length: Number(process.env.CRASH_SEEDS ?? 13) }, (_, i) => i + 1).filter(
  (seed) =>
    process.env.CRASH_SEED === undefined ||
    process.env.CRASH_SEED.split(",").includes(String(seed)),
);
/** Writes after this long past the kill count as written by the killed run (in-flight ones land). */
const GRACE_MS = 1_500;
/** How long the killed run's processes may take to notice and end. */
const ORPHAN_WAIT_MS = 5_000;

jest.setTimeout(1_200_000);

const SELF_SERVICE_PRIVATE_KEY = readFileSync(
  join(PROJECT_ROOT, "simulator", "demo", "demo-business-certificate.key.pem"),
  "utf8",
);

/** The committed local stack's setup against `simulator`, without the verification message. */
function setup(simulator: Simulator, edited: boolean): Record<string, unknown> {
  const local = parse(readFileSync(join(PROJECT_ROOT, "Pulumi.local.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(local.config)) {
    if (value && typeof value === "object" && "secure" in value) continue;
    values[key.replace(/^altinn-iac:/, "")] = value;
  }
  delete values.verification;
  const text = JSON.stringify(values).replaceAll("http://127.0.0.1:5055", simulator.url);
  const setupValues = JSON.parse(text) as Record<string, Array<Record<string, unknown>>>;
  // Without the access-list mode: Events refuses to create a subscription while it is on, so a
  // destroy interrupted between the subscription's delete and the mode's cannot be brought back
  // by up alone (reported as a follow-up of issue 16).
  delete setupValues.resources![0]!.accessListMode;
  if (edited) {
    // An update of each kind: list fields and members, client scopes, resource title.
    const [list] = setupValues.accessLists!;
    list!.description = "Edited by the crash trial";
    list!.members = ["310654321"];
    const [client] = setupValues.maskinportenClients!;
    client!.scopes = ["altinn:serviceowner", "altinn:correspondence.write"];
    const [resource] = setupValues.resources!;
    resource!.title = { nb: "Endret", nn: "Endra", en: "Edited" };
  }
  return {
    ...setupValues,
    ...demoStackValues(simulator),
    http: { timeoutMs: 5_000, attempts: 3, baseDelayMs: 20, maxDelayMs: 200 },
  };
}

/** mulberry32, as the simulator's faults: the same moments for the same seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every live process under `root` (Linux /proc), by pid, with its command line. */
function descendants(root: number): Map<number, string> {
  const parent = new Map<number, number>();
  const command = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      command.set(pid, readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "));
    } catch {
      // Ended while listed.
    }
  }
  const found = new Map<number, string>();
  const visit = (pid: number) => {
    for (const [child, ppid] of parent) {
      if (ppid === pid && !found.has(child)) {
        found.set(child, command.get(child) ?? "");
        visit(child);
      }
    }
  };
  visit(root);
  return found;
}

function running(pid: number): boolean {
  try {
    // A zombie has ended: only its exit status is left.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

type Operation = "create" | "update" | "destroy";
type Target = "pulumi" | "provider";

interface Kill {
  operation: Operation;
  target: Target;
  /** The write call the kill followed, as `METHOD path status`. */
  after: string;
  /** Killed while the simulator answered that call: it was handled, nobody heard back. */
  postThenDie: boolean;
}

interface Figures {
  kills: Kill[];
  upsNeeded: number[];
  twins: number;
  orphans: number;
  pendingLeft: number;
  lateWrites: number;
  noKill: number;
}
const figures: Figures = {
  kills: [],
  upsNeeded: [],
  twins: 0,
  orphans: 0,
  pendingLeft: 0,
  lateWrites: 0,
  noKill: 0,
};

/** Writes an operation makes on this setup (about): the trigger is drawn among them. */
const WRITES: Record<Operation, number> = { create: 9, update: 4, destroy: 4 };
/** Creates whose POST (or PUT of a new object) the process dies on, in the first seeds. */
const CREATE_CALLS = [
  /^POST \/selfservice\/api\/v1\/clients$/,
  /^POST \/events\/api\/v1\/subscriptions$/,
  /^PUT \/resourceregistry\/api\/v1\/access-lists\//,
  /^POST \/resourceregistry\/api\/v1\/resource$/,
  /^POST \/selfservice\/api\/v1\/clients\/[^/]+\/jwks$/,
];

describe("the crash trial: SIGKILL at seeded moments, then only npm run up", () => {
  afterAll(() => {
    const byOperation = (op: Operation) => figures.kills.filter((k) => k.operation === op).length;
    process.stdout.write(
      `crash trial: ${figures.kills.length} kills (${byOperation("create")} in creates, ${byOperation("update")} in updates, ` +
        `${byOperation("destroy")} in destroys; ${figures.kills.filter((k) => k.target === "provider").length} of the provider, ` +
        `${figures.kills.filter((k) => k.postThenDie).length} POST-then-die), ups needed ${JSON.stringify(
          figures.upsNeeded.reduce<Record<number, number>>(
            (counts, n) => ({ ...counts, [n]: (counts[n] ?? 0) + 1 }),
            {},
          ),
        )}, twins ${figures.twins}, orphans ${figures.orphans}, pending operations left ${figures.pendingLeft}, ` +
        `writes after a kill ${figures.lateWrites}, runs that ended before their kill ${figures.noKill}\n` +
        figures.kills
          .map(
            (k) =>
              `  ${k.operation}: ${k.target} after ${k.after}${k.postThenDie ? " (POST-then-die)" : ""}`,
          )
          .join("\n") +
        "\n",
    );
  });

  it.each(SEEDS)(
    "converges within two ups after each kill, with no twin or orphan (seed %i)",
    async (seed) => {
      const random = seeded(seed);
      const simulator = await startSimulator();
      const before = structuredClone(simulator.context.state) as SimState;
      let onWrite: ((call: string) => void) | undefined;
      const calls = simulator.calls;
      const push = calls.push.bind(calls);
      calls.push = (...records) => {
        const length = push(...records);
        for (const record of records) {
          if (record.write) onWrite?.(`${record.method} ${record.path} ${record.status}`);
        }
        return length;
      };
      // Credentials from the environment: no `config set --secret` per stack.
      const stack = await TestStack.create(
        { values: setup(simulator, false) },
        {
          PULUMI_NODEJS_TRANSPILE_ONLY: "true",
          ALTINN_IAC_MASKINPORTEN_PRIVATE_KEY: DEMO_PRIVATE_KEY,
          ALTINN_IAC_SELF_SERVICE_PRIVATE_KEY: SELF_SERVICE_PRIVATE_KEY,
        },
      );

      /** Runs the operation and kills at the drawn moment; what the kill did, or undefined. */
      async function runAndKill(operation: Operation, forced?: RegExp): Promise<Kill | undefined> {
        const target: Target = random() < 0.7 ? "pulumi" : "provider";
        const nth = 1 + Math.floor(random() * WRITES[operation]);
        const atCall = forced !== undefined || random() < 0.5;
        const delayMs = Math.floor(random() * 400);
        const args =
          operation === "destroy"
            ? ["destroy", "--yes", "--skip-preview"]
            : ["up", "--yes", "--skip-preview"];
        const run = stack.start("pulumi", stack.stackArgs(args));
        let kill: Kill | undefined;
        let killedAt = 0;
        let tree = new Map<number, string>();
        let seen = 0;
        const strike = (after: string, postThenDie: boolean) => {
          if (kill) return;
          tree = descendants(run.pid);
          const victim =
            target === "pulumi"
              ? run.pid
              : [...tree].find(([, command]) => command.includes("dynamic-provider"))?.[0];
          if (victim === undefined) return;
          process.kill(victim, "SIGKILL");
          killedAt = Date.now();
          kill = { operation, target, after, postThenDie };
        };
        onWrite = (call) => {
          if (kill) {
            if (Date.now() - killedAt > GRACE_MS) figures.lateWrites++;
            return;
          }
          const matches = forced ? forced.test(call.replace(/ \d+$/, "")) : ++seen === nth;
          if (!matches) return;
          if (atCall) strike(call, /^(POST|PUT) /.test(call));
          else setTimeout(() => strike(call, false), delayMs);
        };
        const ended = async () => {
          const result = await run.done;
          return { result, at: Date.now() };
        };
        if (target === "provider" || !kill) {
          // pulumi itself goes on and ends its plugins: they are judged once it has ended.
          const { result, at } = await ended();
          if (!kill) {
            onWrite = undefined;
            expect([result.code, result.code === 0 ? "" : result.output]).toStrictEqual([0, ""]);
            return undefined;
          }
          await new Promise((resolve) => setTimeout(resolve, ORPHAN_WAIT_MS + at - Date.now()));
        } else {
          // The killed run's processes must end by themselves.
          await new Promise((resolve) =>
            setTimeout(resolve, Math.max(0, killedAt + ORPHAN_WAIT_MS - Date.now())),
          );
        }
        const orphans = [...tree].filter(([pid]) => running(pid));
        figures.orphans += orphans.length;
        for (const [pid] of orphans) process.kill(pid, "SIGKILL");
        expect({ orphans: orphans.map(([, command]) => command) }).toStrictEqual({
          orphans: [],
          ...(orphans.length > 0
            ? { tree: [...tree].map(([pid, c]) => `${pid} ${c.slice(0, 120)}`) }
            : {}),
        });
        onWrite = undefined;
        await run.done;
        return kill;
      }

      /** `npm run up` until converged; how many it took (at most two). */
      async function recover(): Promise<number> {
        const ups: CliResult[] = [];
        for (let up = 1; up <= 2; up++) {
          const result = await stack.run("node", [
            "-r",
            "ts-node/register/transpile-only",
            "program/up-cli.ts",
            "--stack",
            stack.name,
            "--yes",
            "--skip-preview",
          ]);
          ups.push(result);
          if (result.code === 0 && (await check()).length === 0) return up;
        }
        const problems = await check();
        expect({
          codes: ups.map((u) => u.code),
          problems,
          output: ups.at(-1)!.output.slice(-3000),
        }).toStrictEqual({
          codes: [0, 0],
          problems: [],
          output: ups.at(-1)!.code === 0 ? ups.at(-1)!.output.slice(-3000) : "",
        });
        return 3;
      }

      /** What keeps the stack from being converged: pending operations, twins, unknown objects. */
      async function check(): Promise<string[]> {
        const exported = await stack.exportedState();
        const problems: string[] = [];
        const pending = pendingOperations(exported);
        if (pending.length > 0)
          problems.push(`pending: ${pending.map((p) => `${p.type} ${p.resource.urn}`).join(", ")}`);
        const remote = simulatorInventory(before, simulator.context.state);
        if (remote.duplicateClientNames.length > 0)
          problems.push(`twin clients: ${remote.duplicateClientNames.join(", ")}`);
        const endpoints = Object.values(simulator.context.state.subscriptions).map(
          (s) => s.endPoint,
        );
        const twinSubscriptions = endpoints.filter((e, i) => endpoints.indexOf(e) !== i);
        if (twinSubscriptions.length > 0)
          problems.push(`twin subscriptions: ${twinSubscriptions.join(", ")}`);
        const state = stateInventory(exported);
        if (JSON.stringify(remote.objects) !== JSON.stringify(state)) {
          problems.push(`remote ${remote.objects.join(" ")} != state ${state.join(" ")}`);
        }
        return problems;
      }

      try {
        const plan: Operation[] =
          seed > 8 ? ["create"] : ["create", seed % 2 === 0 ? "update" : "destroy"];
        for (const operation of plan) {
          if (operation === "update") {
            await stack.setConfig({ values: setup(simulator, true) });
          }
          // The first creates die on a create call each; the other moments are drawn.
          const forced =
            operation === "create" && seed <= CREATE_CALLS.length
              ? CREATE_CALLS[seed - 1]
              : undefined;
          let kill = await runAndKill(operation, forced);
          if (!kill) {
            // The run ended before its moment: draw again (a create's state must be undone).
            figures.noKill++;
            if (operation === "create")
              await stack.pulumiOk(["destroy", "--yes", "--skip-preview"]);
            kill = await runAndKill(operation);
          }
          if (!kill) {
            // A destroy that ended: bring the setup back for the preview below.
            if (operation === "destroy") await stack.up();
            continue;
          }
          figures.kills.push(kill);
          const ups = await recover();
          figures.upsNeeded.push(ups);
          const problems = await check();
          figures.twins += problems.filter((p) => p.startsWith("twin")).length;
          figures.pendingLeft += pendingOperations(await stack.exportedState()).length;
          expect(ups).toBeLessThanOrEqual(2);
        }
        if (plan.length > 1) {
          const changes = (await stack.previewSteps())
            .filter((s) => s.op !== "same")
            .map((s) => `${s.op} ${s.urn}`);
          expect(changes).toStrictEqual([]);
        }
        expect(figures.lateWrites).toBe(0);
      } finally {
        onWrite = undefined;
        await stack.remove();
        await simulator.close();
      }
    },
  );

  it("killed at least 20 times, most of them in creates", () => {
    if (SEEDS.length < 13) return;
    expect(figures.kills.length).toBeGreaterThanOrEqual(20);
    const creates = figures.kills.filter((k) => k.operation === "create").length;
    expect(creates * 2).toBeGreaterThan(figures.kills.length);
  });
});
