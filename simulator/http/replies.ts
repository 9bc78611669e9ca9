import type { SimResponse } from "./router";

/** Replies with a body of one content type; `headers` may override it. */
function reply(
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string>,
): SimResponse {
  return { status, headers: { "content-type": contentType, ...headers }, body };
}

export function json(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): SimResponse {
  return reply(status, "application/json; charset=utf-8", JSON.stringify(value), headers);
}

export function text(
  status: number,
  value: string,
  headers: Record<string, string> = {},
): SimResponse {
  return reply(status, "text/plain; charset=utf-8", value, headers);
}

export function empty(status: number, headers: Record<string, string> = {}): SimResponse {
  return { status, headers };
}
