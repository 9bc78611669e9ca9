/**
 * A unified diff of two texts by line, as export and promote print the change they make to a
 * stack file. Lines common to both ends are trimmed first; the rest is aligned by their longest
 * common subsequence, which stays small because a stack-file edit touches few lines. A middle
 * too large to align (over MAX_CELLS) is shown as removed then added.
 */

const CONTEXT = 3;
const MAX_CELLS = 4_000_000;

type Line = { op: " " | "-" | "+"; text: string };

export function unifiedDiff(before: string, after: string, label: string): string {
  if (before === after) return "";
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const lines: Line[] = [
    ...a.slice(0, start).map((text) => ({ op: " " as const, text })),
    ...align(a.slice(start, endA), b.slice(start, endB)),
    ...a.slice(endA).map((text) => ({ op: " " as const, text })),
  ];
  return [`--- ${label}`, `+++ ${label}`, ...hunks(lines)].join("\n") + "\n";
}

function align(a: string[], b: string[]): Line[] {
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map((text) => ({ op: "-" as const, text })),
      ...b.map((text) => ({ op: "+" as const, text })),
    ];
  }
  // lcs[i][j]: the common subsequence length of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ op: " ", text: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      lines.push({ op: "-", text: a[i++]! });
    } else {
      lines.push({ op: "+", text: b[j++]! });
    }
  }
  return lines;
}

function hunks(lines: Line[]): string[] {
  const changed = lines.flatMap((line, index) => (line.op === " " ? [] : [index]));
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const first = Math.max(0, changed[k]! - CONTEXT);
    let last = changed[k]!;
    while (k + 1 < changed.length && changed[k + 1]! - last <= 2 * CONTEXT + 1)
      last = changed[++k]!;
    last = Math.min(lines.length - 1, last + CONTEXT);
    k++;
    const slice = lines.slice(first, last + 1);
    const oldStart = lines.slice(0, first).filter((l) => l.op !== "+").length + 1;
    const newStart = lines.slice(0, first).filter((l) => l.op !== "-").length + 1;
    const oldCount = slice.filter((l) => l.op !== "+").length;
    const newCount = slice.filter((l) => l.op !== "-").length;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    out.push(...slice.map((l) => `${l.op}${l.text}`));
  }
  return out;
}
