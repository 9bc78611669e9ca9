/**
 * Access-list members at scale: the calls the AccessList provider makes for a list of 10,000
 * members against the in-process simulator, next to the figures they should be (write calls =
 * ceil(delta / 100) per direction, read calls = member pages = ceil(members / 100), none on
 * create), with wall
 * time and heap for information. Timing depends on the machine; nothing here is asserted.
 *
 *   npx ts-node --transpile-only bench/access-list-members.ts [members]
 */
import { accessListImplementation as impl } from "../providers/access-list";
import { startSimulator, type CallRecord, type Simulator } from "../simulator/server";
import { demoContext } from "../test/support/simulator";

const SIZE = Number(process.argv[2] ?? 10_000);
const FIRST = 910_000_000;

interface Row {
  step: string;
  delta: string;
  writes: number;
  expectedWrites: number;
  pageReads: number;
  expectedPageReads: number;
  ms: number;
}

const orgs = (count: number, first: number) =>
  Array.from({ length: count }, (_, i) => String(first + i));
const pages = (members: number) => Math.max(1, Math.ceil(members / 100));
const batches = (delta: number) => Math.ceil(delta / 100);

async function measure(
  simulator: Simulator,
  step: string,
  run: () => Promise<unknown>,
): Promise<{ writes: number; pageReads: number; ms: number }> {
  const since = simulator.calls.length;
  const started = process.hrtime.bigint();
  await run();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const calls: CallRecord[] = simulator.calls
    .slice(since)
    .filter((c) => c.path.endsWith("/members"));
  return {
    writes: calls.filter((c) => c.write).length,
    pageReads: calls.filter((c) => c.method === "GET").length,
    ms: Math.round(ms),
  };
}

async function main(): Promise<void> {
  const simulator = await startSimulator();
  const ctx = demoContext(simulator);
  const inputs = async (members: string[]) =>
    (await impl.check(ctx, {}, { owner: "digdir", identifier: "bench", name: "Bench", members }))
      .inputs!;
  const rows: Row[] = [];
  try {
    // Warm the token cache so the first step does not include the token exchange.
    await ctx.tokens.altinnToken(["altinn:resourceregistry/accesslist.write"]);

    const all = orgs(SIZE, FIRST);
    let outs: Record<string, unknown> = {};
    let id = "";
    const created = await measure(simulator, "create", async () => {
      const result = await impl.create(ctx, await inputs(all));
      outs = result.outs as Record<string, unknown>;
      id = result.id;
    });
    rows.push({
      step: `create with ${SIZE}`,
      delta: `+${SIZE}`,
      ...created,
      expectedWrites: batches(SIZE),
      // A list it has just made is known to be empty: no member page is read.
      expectedPageReads: 0,
    });

    const refreshed = await measure(simulator, "read", () => impl.read(ctx, id, outs));
    rows.push({
      step: "refresh (read)",
      delta: "0",
      ...refreshed,
      expectedWrites: 0,
      expectedPageReads: pages(SIZE),
    });

    const scenarios: Array<[string, number, number]> = [
      ["add 1", 1, 0],
      ["remove 1", 0, 1],
      ["add 250, remove 150", 250, 150],
      ["replace 1,000", 1000, 1000],
    ];
    let current = all;
    let next = FIRST + SIZE + 1_000_000;
    for (const [step, add, remove] of scenarios) {
      const wanted = [...current.slice(remove), ...orgs(add, next)];
      next += add;
      const news = await inputs(wanted);
      const result = await measure(simulator, step, () => impl.update(ctx, id, outs, news));
      rows.push({
        step,
        delta: `+${add} -${remove}`,
        ...result,
        expectedWrites: batches(add) + batches(remove),
        expectedPageReads: pages(current.length),
      });
      outs = { ...news };
      current = wanted;
    }
  } finally {
    await simulator.close();
  }

  const heapMb = Math.round(process.memoryUsage().heapUsed / 1024 / 1024);
  process.stdout.write(
    `access-list members, list of ${SIZE} (simulator in-process, node ${process.version})\n\n`,
  );
  process.stdout.write(
    "| step | delta | write calls | ceil(delta/100) | member page reads | pages | wall ms |\n",
  );
  process.stdout.write("|---|---|---|---|---|---|---|\n");
  for (const r of rows) {
    process.stdout.write(
      `| ${r.step} | ${r.delta} | ${r.writes} | ${r.expectedWrites} | ${r.pageReads} | ${r.expectedPageReads} | ${r.ms} |\n`,
    );
  }
  const mismatches = rows.filter(
    (r) => r.writes !== r.expectedWrites || r.pageReads !== r.expectedPageReads,
  );
  process.stdout.write(
    `\nheap used at the end: ${heapMb} MB; ${mismatches.length === 0 ? "every count as expected" : `${mismatches.length} count(s) differ from the formula`}\n`,
  );
  if (mismatches.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
