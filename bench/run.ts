/**
 * `npm run bench`: the altinn-iac program with the real engine against the simulator (every API
 * call answered late, as over a network), for N managed objects, next to the engine floor (the
 * same N objects with the same inputs as dynamic resources that do nothing, bench/floor/, and the
 * bare floor of N resources with one short input) run by the same engine in the same run, one
 * operation of each after the other so both see the same load. Per operation it counts the calls
 * by kind against the physical minimum (bench/workload.ts) and times both programs; per N it
 * measures the exported state. Writes bench/results/bench.{json,md,svg,png} and the README's
 * benchmark table. Timing depends on the machine and its load; nothing here is asserted.
 *
 *   npm run bench -- [--sizes 10,100,200,500] [--latency 50] [--members 50] [--repeat 3] [--no-readme]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import { startSimulator, type Simulator } from "../simulator/server";
import { SELF_SERVICE_STACK_SECRETS, selfServiceStackValues } from "../test/support/self-service";
import { BenchStack, changeSummary, engineBinDir, PROJECT_ROOT, type TimedResult } from "./pulumi";
import {
  markdownDetail,
  markdownReport,
  svgChart,
  type BenchResult,
  type OperationResult,
  type SizeResult,
  type StateSize,
} from "./report";
import {
  benchStackConfig,
  callRatio,
  changedConfig,
  excess,
  latencyFloorMs,
  minimumCalls,
  objectCount,
  OPERATIONS,
  tally,
  total,
  workloadOf,
  type BenchStackConfig,
  type Operation,
} from "./workload";

const FLOOR_DIR = join(PROJECT_ROOT, "bench", "floor");
const FLOOR_NAMESPACE = "altinn-iac-bench-floor";
const RESULTS_DIR = join(PROJECT_ROOT, "bench", "results");
const README_START = "<!-- bench:start -->";
const README_END = "<!-- bench:end -->";
/** Where the setup file is written: ignored by git, inside the project as include requires. */
const SETUP_DIR = join(PROJECT_ROOT, ".altinn-iac", "bench");

/** The engine's default `--parallel` (pulumi/pkg cmd/pulumi/operations/up.go): 4 per core. */
const PARALLELISM = Number(process.env.PULUMI_PARALLEL) || cpus().length * 4;

interface Options {
  sizes: number[];
  latencyMs: number;
  membersPerList: number;
  /** Runs of each operation that leaves the state as it was; the median time counts. */
  repeat: number;
  readme: boolean;
}

const HELP = `usage: npm run bench -- [--sizes 10,100,200,500] [--latency 50] [--members 50] [--repeat 3] [--no-readme]

Times the altinn-iac program with the real engine against the simulator (every API call answered
--latency ms late) for each number of objects in --sizes (--members members per access list),
next to the engine floor, each repeatable operation --repeat times (the median is kept); counts
the API calls against the physical minimum and measures the state per object.

Reads: nothing of yours (throwaway stacks in a temporary file backend, its own simulator).
Writes: bench/results/bench.{json,md,svg,png} and, unless --no-readme, the README's benchmark
table. No remote call outside this machine.
Exits: 0 when done, 1 when a run fails, 2 on a usage error.`;

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | "help" {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  const options: Options = {
    sizes: [10, 100, 200, 500],
    latencyMs: 50,
    membersPerList: 50,
    repeat: 3,
    readme: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const number = (name: string) => {
      const parsed = Number(value);
      if (value === undefined || !Number.isInteger(parsed) || parsed < 0) {
        throw new UsageError(`${name} takes a whole number (got ${value ?? "nothing"})`);
      }
      i++;
      return parsed;
    };
    if (flag === "--sizes") {
      options.sizes = (value ?? "").split(",").map((s) => Number(s.trim()));
      if (options.sizes.some((n) => !Number.isInteger(n) || n < 1)) {
        throw new UsageError(
          `--sizes takes whole numbers of objects such as 10,100,500 (got ${value})`,
        );
      }
      i++;
    } else if (flag === "--latency") options.latencyMs = number("--latency");
    else if (flag === "--members") options.membersPerList = number("--members");
    else if (flag === "--repeat") options.repeat = Math.max(1, number("--repeat"));
    else if (flag === "--no-readme") options.readme = false;
    else
      throw new UsageError(
        `unknown option ${flag}: use --sizes, --latency, --members, --repeat or --no-readme`,
      );
  }
  return options;
}

/** Operations after which the state is as before, so they can be run again to take a median. */
const REPEATABLE: readonly Operation[] = ["noop-up", "preview", "refresh"];

/** The run of median time (the upper one of an even count). */
function median(runs: TimedResult[]): TimedResult {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
}

/** The pulumi arguments of each operation (the change is made in the config before it). */
const COMMANDS: Record<Operation, string[]> = {
  up: ["up", "--yes", "--skip-preview"],
  "noop-up": ["up", "--yes", "--skip-preview"],
  preview: ["preview"],
  refresh: ["refresh", "--yes", "--skip-preview"],
  change: ["up", "--yes", "--skip-preview"],
};

async function runSize(objects: number, options: Options): Promise<SizeResult> {
  const simulator = await startSimulator({ latencyMs: options.latencyMs });
  const config = benchStackConfig(objects, {
    membersPerList: options.membersPerList,
    webhookBaseUrl: simulator.url,
  });
  const workload = workloadOf(config);
  if (objectCount(workload) !== objects) {
    throw new Error(`the config makes ${objectCount(workload)} objects, not ${objects}`);
  }
  const tool = await BenchStack.create(PROJECT_ROOT);
  const floor = await BenchStack.create(FLOOR_DIR);
  const bareFloor = await BenchStack.create(FLOOR_DIR);
  mkdirSync(SETUP_DIR, { recursive: true });
  const setupFile = join(SETUP_DIR, `setup-${objects}.json`);
  try {
    // The setup goes in an included file, as a large one must (the engine passes the stack
    // config in one environment variable of at most 128 KiB); the stack file keeps the rest.
    const setToolConfig = async ({ preflight, ...collections }: BenchStackConfig, secrets = {}) => {
      writeFileSync(setupFile, JSON.stringify(collections));
      await tool.setConfig(
        "altinn-iac",
        {
          ...selfServiceStackValues(simulator),
          preflight,
          include: [relative(PROJECT_ROOT, setupFile)],
        },
        secrets,
      );
    };
    await setToolConfig(config, SELF_SERVICE_STACK_SECRETS);
    // The floor reads the tool's setup file: each object with the same declaration as its input.
    await floor.setConfig(FLOOR_NAMESPACE, { setupFile });
    await bareFloor.setConfig(FLOOR_NAMESPACE, { count: objects });

    const operations: OperationResult[] = [];
    for (const operation of OPERATIONS) {
      if (operation === "change") {
        await setToolConfig(changedConfig(config));
        await bareFloor.setConfig(FLOOR_NAMESPACE, { count: objects, changed: 0 });
      }
      // An operation that leaves the state as it was runs `repeat` times, the three programs in
      // turn, and the median of each counts: one run on a shared machine varies by 10-20%.
      const runs = REPEATABLE.includes(operation) ? options.repeat : 1;
      const timed: Array<[TimedResult, TimedResult, TimedResult]> = [];
      let calls: Simulator["calls"] = [];
      for (let run = 0; run < runs; run++) {
        const since = simulator.calls.length;
        const measured = await tool.ok(COMMANDS[operation]);
        if (run === 0) calls = simulator.calls.slice(since);
        timed.push([
          measured,
          await floor.ok(COMMANDS[operation]),
          await bareFloor.ok(COMMANDS[operation]),
        ]);
      }
      const [measured, floored, bare] = [0, 1, 2].map((i) => median(timed.map((t) => t[i]!))) as [
        TimedResult,
        TimedResult,
        TimedResult,
      ];
      const measuredOperation = result(operation, workload, calls, [measured, floored, bare], {
        latencyMs: options.latencyMs,
        parallelism: PARALLELISM,
      });
      operations.push(measuredOperation);
      const over = measuredOperation.excess.map((e) => `${e.kind} ${e.calls}/${e.minimum}`);
      process.stdout.write(
        `N=${objects} ${operation}: ${measuredOperation.totalCalls} calls (minimum ${measuredOperation.minimumCalls}${over.length > 0 ? `; over: ${over.join(", ")}` : ""}), ${Math.round(measured.ms)} ms (floor ${Math.round(floored.ms)} ms, bare floor ${Math.round(bare.ms)} ms)\n`,
      );
    }
    return {
      objects,
      workload,
      operations,
      state: await stateSize(tool, objects),
      floorState: await stateSize(floor, objects),
      bareFloorState: await stateSize(bareFloor, objects),
    };
  } finally {
    await tool.remove();
    await floor.remove();
    await bareFloor.remove();
    await simulator.close();
    rmSync(setupFile, { force: true });
  }
}

function result(
  operation: Operation,
  workload: ReturnType<typeof workloadOf>,
  calls: Simulator["calls"],
  [measured, floored, bare]: [TimedResult, TimedResult, TimedResult],
  { latencyMs, parallelism }: { latencyMs: number; parallelism: number },
): OperationResult {
  const counted = tally(calls);
  const minimum = minimumCalls(operation, workload);
  const physical = total(minimumCalls(operation, workload, { checks: false }));
  return {
    operation,
    calls: counted,
    minimum,
    totalCalls: total(counted),
    minimumCalls: total(minimum),
    ratio: callRatio(total(counted), total(minimum)),
    physicalMinimumCalls: physical,
    physicalRatio: callRatio(total(counted), physical),
    writes: calls.filter((c) => c.write).length,
    failedCalls: calls.filter((c) => c.status >= 400 || c.status === 0).length,
    excess: excess(counted, minimum),
    ms: Math.round(measured.ms),
    floorMs: Math.round(floored.ms),
    bareFloorMs: Math.round(bare.ms),
    latencyFloorMs: latencyFloorMs(minimum, latencyMs, parallelism),
    summary: changeSummary(measured.output),
    floorSummary: changeSummary(floored.output),
  };
}

/** `pulumi stack export` as a user would keep it (secrets encrypted), per managed object. */
async function stateSize(stack: BenchStack, objects: number): Promise<StateSize> {
  const exported = (await stack.ok(["stack", "export", "--show-secrets=false"])).stdout;
  const parsed = JSON.parse(exported) as { deployment: { resources?: Array<{ type: string }> } };
  const resources = parsed.deployment.resources ?? [];
  const byType: Record<string, number[]> = {};
  for (const resource of resources) {
    (byType[resource.type] ??= []).push(Buffer.byteLength(JSON.stringify(resource)));
  }
  return {
    storedBytesPerObject: stack.checkpointBytes() / objects,
    bytes: Buffer.byteLength(exported),
    bytesPerObject: Buffer.byteLength(exported) / objects,
    compactBytesPerObject: Buffer.byteLength(JSON.stringify(parsed)) / objects,
    bytesByType: Object.fromEntries(
      Object.entries(byType)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, sizes]) => [
          type,
          Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
        ]),
    ),
  };
}

function pulumiVersion(): string {
  try {
    return execFileSync("pulumi", ["version"], {
      env: { ...process.env, PATH: [engineBinDir(), process.env.PATH].filter(Boolean).join(":") },
    })
      .toString()
      .trim();
  } catch {
    return "unknown";
  }
}

function writeResults(result: BenchResult, options: Options): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "bench.json"), `${JSON.stringify(result, null, 2)}\n`);
  const table = markdownReport(result);
  writeFileSync(
    join(RESULTS_DIR, "bench.md"),
    `# altinn-iac benchmark\n\n${table}\n![wall time against the engine floor](bench.png)\n\n## Calls by kind\n\n${markdownDetail(result)}`,
  );
  const svg = svgChart(result);
  writeFileSync(join(RESULTS_DIR, "bench.svg"), svg);
  try {
    // librsvg (Debian's librsvg2-bin) when installed; the SVG is the chart otherwise.
    execFileSync("rsvg-convert", ["-o", join(RESULTS_DIR, "bench.png")], { input: svg });
  } catch {
    process.stdout.write("rsvg-convert not found: wrote bench/results/bench.svg only\n");
  }
  if (options.readme) {
    const readmePath = join(PROJECT_ROOT, "README.md");
    const readme = readFileSync(readmePath, "utf8");
    const start = readme.indexOf(README_START);
    const end = readme.indexOf(README_END);
    if (start < 0 || end < start) {
      throw new Error(`README.md has no ${README_START} ... ${README_END} section to update`);
    }
    writeFileSync(
      readmePath,
      `${readme.slice(0, start + README_START.length)}\n\n${table}\n${readme.slice(end)}`,
    );
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === "help") {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (!existsSync(join(FLOOR_DIR, "Pulumi.yaml")))
    throw new Error(`no floor program in ${FLOOR_DIR}`);
  const loadBefore = loadavg();
  const sizes: SizeResult[] = [];
  for (const objects of options.sizes) sizes.push(await runSize(objects, options));
  const result: BenchResult = {
    date: new Date().toISOString(),
    node: process.version,
    pulumi: pulumiVersion(),
    latencyMs: options.latencyMs,
    membersPerList: options.membersPerList,
    repeat: options.repeat,
    cores: cpus().length,
    parallelism: PARALLELISM,
    loadBefore,
    loadAfter: loadavg(),
    sizes,
  };
  writeResults(result, options);
  process.stdout.write(`\n${markdownReport(result)}`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message} (npm run bench -- --help lists the options)\n`);
    process.exit(2);
  }
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
