import { isCollection, isSeq, type Document } from "yaml";

/**
 * Edits of a stack file's YAML document that keep what the user wrote around them: comments, key
 * order, and the style (flow or block) of the collection a value replaces.
 */

/** Sets one value (undefined removes it), keeping the old node's style and comments. */
export function setValue(document: Document, path: Array<string | number>, value: unknown): void {
  if (value === undefined) {
    document.deleteIn(path);
    return;
  }
  const old = document.getIn(path, true);
  const node = document.createNode(value);
  if (isCollection(old) && isCollection(node)) {
    node.flow = old.flow;
    node.comment = old.comment;
    node.commentBefore = old.commentBefore;
  }
  document.setIn(path, node);
}

/** Appends entries to the list at `path` (made in block style when missing); the first's index. */
export function appendEntries(
  document: Document,
  path: Array<string | number>,
  entries: unknown[],
): number {
  const node = document.getIn(path, true);
  if (isSeq(node)) {
    const base = node.items.length;
    for (const entry of entries) node.items.push(document.createNode(entry));
    return base;
  }
  document.setIn(path, document.createNode(entries));
  return 0;
}

/**
 * Replaces `before` with `after` at `path` field by field, so a changed leaf is the only node
 * replaced and the comments and styles of its neighbours stay.
 */
export function updateValue(
  document: Document,
  path: Array<string | number>,
  before: unknown,
  after: unknown,
): void {
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
        updateValue(document, [...path, key], before[key], after[key]);
      }
    }
    return;
  }
  setValue(document, path, after);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The text of an edited stack file, long lines unwrapped. The yaml package pads every flow
 * collection alike (`[ a ]` or `[a]`); a line that differs from one of `original` only by that
 * padding is written as it was.
 */
export function stackFileText(document: Document, original: string): string {
  const unpadded = (line: string) => line.replace(/([[{]) +/g, "$1").replace(/ +([\]}])/g, "$1");
  const lines = new Map(original.split("\n").map((line) => [unpadded(line), line]));
  // New lines follow the padding most of the file's flow collections have.
  const padded = (original.match(/[[{] [^\]}]/g) ?? []).length;
  const tight = (original.match(/[[{][^\s\]}]/g) ?? []).length;
  return document
    .toString({ lineWidth: 0, flowCollectionPadding: padded > tight })
    .split("\n")
    .map((line) => lines.get(unpadded(line)) ?? line)
    .join("\n");
}
