/**
 * What the parser and the linter report about a policy: errors block a deploy, warnings are shown
 * in preview. Every finding names the rule (when it is about one) and says how to fix it.
 */
export interface Finding {
  severity: "error" | "warning";
  /** A stable code for tests and filters, such as `foreign-resource` or `placeholder`. */
  code: string;
  /** 1-based rule number in document order, when the finding is about one rule. */
  rule?: number;
  /** The line in the XML, when the finding came from XML. */
  line?: number;
  /** The path in the policy model (`rules.1.subjects.0`), when it points at one value. */
  path?: string;
  message: string;
  fix: string;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === "error");
}

/** One line per finding: `error: rule 2 (line 14): <message>; fix: <fix>`. */
export function formatFinding(finding: Finding): string {
  const line = finding.line !== undefined ? `line ${finding.line}` : undefined;
  const place =
    finding.rule !== undefined
      ? `rule ${finding.rule}${line ? ` (${line})` : ""}: `
      : line
        ? `${line}: `
        : "";
  return `${finding.severity}: ${place}${finding.message}; fix: ${finding.fix}`;
}

/** Edit distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The candidate closest to `value`, when it is close enough to be a typo of it. */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    const limit = Math.max(2, Math.floor(candidate.length / 4));
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
