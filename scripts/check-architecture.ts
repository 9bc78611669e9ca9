/**
 * The architecture rules of docs/architecture.md, measured: the import graph of the product files
 * has no cycle, no import runs from a lower layer to a higher one, and no product file is over
 * MAX_LINES lines. `npm run check:architecture` prints what breaks a rule; test/unit/architecture.test.ts
 * holds the repository to it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export const MAX_LINES = 400;

/** Product code: what ships or runs as the tool (tests, bench and scripts are not product). */
const PRODUCT_ROOTS = [
  "index.ts",
  "cli",
  "policies",
  "vocabulary",
  "providers",
  "verify",
  "program",
  "review",
  "simulator",
];

/**
 * Layers, lowest first: a file may import its own layer or a lower one. The simulator stands
 * beside the providers (both sit on the pure domain) and neither may import the other; only the
 * program may start it (the local stack's embedded simulator).
 */
const LAYERS: Array<{ name: string; matches: (file: string) => boolean; rank: number }> = [
  { name: "domain", matches: (f) => /^(policies|vocabulary)\//.test(f), rank: 0 },
  // Pure Node helpers every command shares (vocabulary's refresh too), so at the bottom.
  { name: "command line", matches: (f) => f.startsWith("cli/"), rank: 0 },
  { name: "provider core", matches: (f) => f.startsWith("providers/lib/"), rank: 1 },
  { name: "auth", matches: (f) => f.startsWith("providers/auth/"), rank: 2 },
  { name: "API clients", matches: (f) => f.startsWith("providers/api/"), rank: 3 },
  {
    name: "resources",
    matches: (f) => f.startsWith("providers/") && f !== "providers/runtime.ts",
    rank: 4,
  },
  { name: "provider runtime", matches: (f) => f === "providers/runtime.ts", rank: 5 },
  { name: "checks and CLIs", matches: (f) => /^(verify|review)\//.test(f), rank: 6 },
  { name: "program", matches: (f) => f.startsWith("program/") || f === "index.ts", rank: 7 },
  { name: "simulator", matches: (f) => f.startsWith("simulator/"), rank: 100 },
];

export interface ArchitectureReport {
  files: string[];
  cycles: string[][];
  layerViolations: string[];
  longFiles: Array<{ file: string; lines: number }>;
}

function productFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else if (/\.(ts|js)$/.test(path) && !path.endsWith(".d.ts")) {
      found.push(relative(root, path));
    }
  };
  for (const entry of PRODUCT_ROOTS) if (existsSync(join(root, entry))) walk(join(root, entry));
  return found.sort();
}

const IMPORT =
  /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

function resolveImport(root: string, from: string, specifier: string): string | undefined {
  const base = resolve(root, dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(root, candidate);
  }
  return undefined;
}

function layerOf(file: string) {
  return LAYERS.find((layer) => layer.matches(file));
}

/** Tarjan's strongly connected components: each component of more than one file is a cycle. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node))
        components.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}

export function checkArchitecture(root: string): ArchitectureReport {
  const files = productFiles(root);
  const graph = new Map<string, string[]>();
  const layerViolations: string[] = [];
  const longFiles: Array<{ file: string; lines: number }> = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    if (lines > MAX_LINES) longFiles.push({ file, lines });
    const targets: string[] = [];
    for (const match of text.matchAll(IMPORT)) {
      const target = resolveImport(root, file, match[1]!);
      if (!target || !files.includes(target)) continue;
      targets.push(target);
      const [own, theirs] = [layerOf(file), layerOf(target)];
      if (!own || !theirs) continue;
      // The program may start the embedded simulator (the local stack); nothing else crosses.
      const intoSimulator = theirs.rank === 100 && own.rank !== 100 && own.name !== "program";
      const outOfSimulator = own.rank === 100 && theirs.rank !== 100 && theirs.rank !== 0;
      if (
        intoSimulator ||
        outOfSimulator ||
        (own.rank !== 100 && theirs.rank > own.rank && theirs.rank !== 100)
      ) {
        layerViolations.push(`${file} (${own.name}) imports ${target} (${theirs.name})`);
      }
    }
    graph.set(file, [...new Set(targets)]);
  }
  return { files, cycles: cyclesOf(graph), layerViolations, longFiles };
}

if (require.main === module) {
  const report = checkArchitecture(resolve(__dirname, ".."));
  for (const cycle of report.cycles)
    console.log(`cycle (${cycle.length} files): ${cycle.join(" ")}`);
  for (const violation of report.layerViolations) console.log(`layer: ${violation}`);
  for (const { file, lines } of report.longFiles)
    console.log(`long: ${file} ${lines} lines (max ${MAX_LINES})`);
  const problems = report.cycles.length + report.layerViolations.length + report.longFiles.length;
  console.log(
    `${report.files.length} product files: ${report.cycles.length} cycles, ${report.layerViolations.length} layer violations, ${report.longFiles.length} files over ${MAX_LINES} lines`,
  );
  process.exitCode = problems === 0 ? 0 : 1;
}
