import { OPERATION_LABELS, TARGETS, type Operation, type Workload } from "./workload";

/** What `npm run bench` measured, as written to bench/results/bench.json. */
export interface BenchResult {
  date: string;
  node: string;
  pulumi: string;
  latencyMs: number;
  membersPerList: number;
  /** Runs of no-op up, preview and refresh; their median time is reported. */
  repeat: number;
  cores: number;
  /** Resource operations the engine runs at once (`pulumi --parallel`; its default is 4 per core). */
  parallelism: number;
  /** `os.loadavg()` (1, 5, 15 minutes) before and after: other work on the machine. */
  loadBefore: number[];
  loadAfter: number[];
  sizes: SizeResult[];
}

export interface SizeResult {
  objects: number;
  workload: Workload;
  operations: OperationResult[];
  state: StateSize;
  /** The floor: the same objects with the same inputs, as resources that do nothing. */
  floorState: StateSize;
  /** N resources that do nothing, with one short input each. */
  bareFloorState: StateSize;
}

export interface StateSize {
  /** The checkpoint the backend stores (compact JSON, secrets encrypted), per managed object. */
  storedBytesPerObject: number;
  /** `pulumi stack export` as printed (indented JSON). */
  bytes: number;
  bytesPerObject: number;
  /** The same deployment as compact JSON, per managed object. */
  compactBytesPerObject: number;
  /** Average bytes of one resource entry in the exported state, by type. */
  bytesByType: Record<string, number>;
}

export interface OperationResult {
  operation: Operation;
  calls: Record<string, number>;
  minimum: Record<string, number>;
  totalCalls: number;
  /** The physical minimum plus the reads the tool promises (workload.ts `minimumCalls`). */
  minimumCalls: number;
  /** calls / minimum; null when calls were made where none are needed. */
  ratio: number | null;
  /** The minimum without the promised reads: what the APIs alone need. */
  physicalMinimumCalls: number;
  physicalRatio: number | null;
  writes: number;
  /** Calls the simulator answered with a status of 400 or more. */
  failedCalls: number;
  excess: Array<{ kind: string; calls: number; minimum: number }>;
  ms: number;
  floorMs: number;
  bareFloorMs: number;
  /** What the minimum calls need at the simulator's latency (workload.ts `latencyFloorMs`). */
  latencyFloorMs: number;
  summary: string;
  floorSummary: string;
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);
const seconds = (ms: number) => fixed(ms / 1000, 1);
const ratioText = (ratio: number | null) =>
  ratio === null ? "calls where 0 needed" : fixed(ratio);

/** Latency floor, target and whether the time is within it (issue 18's targets; "-" for none). */
function targetCells(op: OperationResult): string {
  const target = TARGETS[op.operation];
  if (!target) return "- | - | -";
  const latency = target.latency ? op.latencyFloorMs : 0;
  const targetMs = op.floorMs * target.factor + latency;
  const formula = `${target.factor}x floor${target.latency ? " + latency floor" : ""}`;
  return `${target.latency ? seconds(latency) : "-"} | ${seconds(targetMs)} (${formula}) | ${op.ms <= targetMs ? "yes" : `no, by ${seconds(op.ms - targetMs)} s`}`;
}

/** The Markdown page of a result: the table the README shows, then the detail. */
export function markdownReport(result: BenchResult): string {
  const lines = [
    `Measured ${result.date} with node ${result.node} and pulumi ${result.pulumi}, simulator latency ${result.latencyMs} ms per call, engine parallelism ${result.parallelism}, ${result.membersPerList} members per access list; times of no-op up, preview and refresh are the median of ${result.repeat} runs; ${result.cores} cores, load average ${result.loadBefore.map((l) => fixed(l)).join(" ")} before and ${result.loadAfter.map((l) => fixed(l)).join(" ")} after (other work shares the machine).`,
    "",
    "| N | operation | calls | minimum | of which checks | calls / min | calls / physical min | writes | wall s | floor s | time / floor | latency floor s | target s | within target | bare floor s | time / bare floor |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
  ];
  for (const size of result.sizes) {
    for (const op of size.operations) {
      lines.push(
        `| ${size.objects} | ${OPERATION_LABELS[op.operation]} | ${op.totalCalls} | ${op.minimumCalls} | ${op.minimumCalls - op.physicalMinimumCalls} | ${ratioText(op.ratio)} | ${ratioText(op.physicalRatio)} | ${op.writes} | ${seconds(op.ms)} | ${seconds(op.floorMs)} | ${fixed(op.ms / op.floorMs)} | ${targetCells(op)} | ${seconds(op.bareFloorMs)} | ${fixed(op.ms / op.bareFloorMs)} |`,
      );
    }
  }
  lines.push(
    "",
    "| N | stored bytes / object | floor stored bytes / object | bare floor stored bytes / object | `stack export` bytes / object | compact export bytes / object | largest entry (type: bytes) |",
    "|---:|---:|---:|---:|---:|---:|---|",
  );
  for (const size of result.sizes) {
    const [type, bytes] = Object.entries(size.state.bytesByType).sort(
      ([, a], [, b]) => b - a,
    )[0] ?? ["-", 0];
    lines.push(
      `| ${size.objects} | ${Math.round(size.state.storedBytesPerObject)} | ${Math.round(size.floorState.storedBytesPerObject)} | ${Math.round(size.bareFloorState.storedBytesPerObject)} | ${Math.round(size.state.bytesPerObject)} | ${Math.round(size.state.compactBytesPerObject)} | ${type}: ${bytes} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Everything else the run saw: calls by kind against the minimum, the engine's summaries. */
export function markdownDetail(result: BenchResult): string {
  const lines: string[] = [];
  for (const size of result.sizes) {
    const w = size.workload;
    lines.push(
      `### N = ${size.objects}`,
      "",
      `${w.resources} resources, ${w.policies} policies, ${w.accessLists.length} access lists, ${w.clients} Maskinporten clients, ${w.keys} keys, ${w.subscriptions} subscriptions.`,
      "",
      "| operation | call kind | calls | minimum |",
      "|---|---|---:|---:|",
    );
    for (const op of size.operations) {
      const kinds = [...new Set([...Object.keys(op.calls), ...Object.keys(op.minimum)])].sort();
      if (kinds.length === 0) lines.push(`| ${OPERATION_LABELS[op.operation]} | (none) | 0 | 0 |`);
      for (const kind of kinds) {
        lines.push(
          `| ${OPERATION_LABELS[op.operation]} | ${kind} | ${op.calls[kind] ?? 0} | ${op.minimum[kind] ?? 0} |`,
        );
      }
    }
    lines.push(
      "",
      "| operation | engine summary | floor summary | failed calls |",
      "|---|---|---|---:|",
    );
    for (const op of size.operations) {
      lines.push(
        `| ${OPERATION_LABELS[op.operation]} | ${op.summary} | ${op.floorSummary} | ${op.failedCalls} |`,
      );
    }
    lines.push(
      "",
      "| state entry type | average bytes |",
      "|---|---:|",
      ...Object.entries(size.state.bytesByType).map(([type, bytes]) => `| ${type} | ${bytes} |`),
      "",
    );
  }
  return lines.join("\n");
}

/**
 * A small bar chart (SVG): per size, per operation, the tool's wall time next to the engine
 * floor's, each size on its own scale.
 */
export function svgChart(result: BenchResult): string {
  const ops = result.sizes[0]?.operations.map((o) => o.operation) ?? [];
  const panelHeight = 170;
  const width = 720;
  const left = 60;
  const groupWidth = (width - left - 20) / Math.max(ops.length, 1);
  const bar = Math.min(28, groupWidth / 3);
  const parts: string[] = [];
  result.sizes.forEach((size, panel) => {
    const top = 56 + panel * panelHeight;
    const plot = panelHeight - 60;
    const max = Math.max(...size.operations.flatMap((o) => [o.ms, o.floorMs]), 1);
    const scale = plot / max;
    parts.push(
      `<text x="${left}" y="${top - 8}" font-size="13" font-weight="bold">N = ${size.objects} (max ${seconds(max)} s)</text>`,
      `<line x1="${left}" y1="${top + plot}" x2="${width - 20}" y2="${top + plot}" stroke="#444"/>`,
    );
    size.operations.forEach((op, i) => {
      const x = left + i * groupWidth + groupWidth / 2 - bar;
      const toolHeight = op.ms * scale;
      const floorHeight = op.floorMs * scale;
      parts.push(
        `<rect x="${fixed(x, 1)}" y="${fixed(top + plot - toolHeight, 1)}" width="${fixed(bar, 1)}" height="${fixed(toolHeight, 1)}" fill="#1f6feb"/>`,
        `<rect x="${fixed(x + bar, 1)}" y="${fixed(top + plot - floorHeight, 1)}" width="${fixed(bar, 1)}" height="${fixed(floorHeight, 1)}" fill="#9aa4ae"/>`,
        `<text x="${fixed(x + bar, 1)}" y="${top + plot + 16}" font-size="11" text-anchor="middle">${OPERATION_LABELS[op.operation]}</text>`,
        `<text x="${fixed(x + bar, 1)}" y="${top + plot + 30}" font-size="10" text-anchor="middle" fill="#555">${seconds(op.ms)} s / ${seconds(op.floorMs)} s</text>`,
      );
    });
  });
  const height = 66 + result.sizes.length * panelHeight;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14">Wall time: altinn-iac <tspan fill="#1f6feb">(blue)</tspan> against the engine floor <tspan fill="#6e7781">(grey)</tspan>, ${result.latencyMs} ms per API call</text>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
