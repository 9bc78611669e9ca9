/**
 * Pages of a keyed collection in key order: a page starts at the first key not below the
 * continuation key, and names the key the next page starts at (none on the last page).
 */
export function pageOf(
  sortedKeys: string[],
  size: number,
  continueFrom: string | undefined,
): { keys: string[]; next: string | undefined } {
  const start = continueFrom === undefined ? 0 : lowerBound(sortedKeys, continueFrom);
  return { keys: sortedKeys.slice(start, start + size), next: sortedKeys[start + size] };
}

function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
