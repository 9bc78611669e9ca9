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

/** The text of an edited stack file: long lines unwrapped, flow lists as `[a, b]`. */
export function stackFileText(document: Document): string {
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}
