/**
 * Opaque values in URLs and headers (ETags, page tokens): JSON as base64url, as the Resource
 * Registry's Opaque<T> writes them.
 */
export function toOpaque(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

/** The value inside an opaque text; undefined when it is not base64url JSON. */
export function fromOpaque(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}
