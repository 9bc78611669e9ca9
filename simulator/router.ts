import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A small router for the simulator: routes are `METHOD /path/{param}` patterns, matched in order,
 * case-insensitively on the path as ASP.NET routes are.
 */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingMessage["headers"];
  body: Buffer;
  /** The origin the client used, for absolute links (Location, next). */
  origin: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path
      .split("/")
      .map((segment) => {
        const match = /^\{(\w+)\}$/.exec(segment);
        if (match) {
          names.push(match[1]!);
          return "([^/]+)";
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`, "i"), names, handler });
    return this;
  }

  match(
    method: string,
    path: string,
  ): { handler: Handler; params: Record<string, string> } | "method" | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
      return { handler: route.handler, params };
    }
    return pathMatched ? "method" : undefined;
  }
}

export function json(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: JSON.stringify(value),
  };
}

export function text(
  status: number,
  value: string,
  headers: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
    body: value,
  };
}

export function empty(status: number, headers: Record<string, string> = {}): SimResponse {
  return { status, headers };
}

export function traceId(): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  return `00-${hex(32)}-${hex(16)}-00`;
}

/** ASP.NET's ValidationProblem(ModelState) body. */
export function validationProblem(errors: Record<string, string[]>): SimResponse {
  return {
    status: 400,
    headers: { "content-type": "application/problem+json; charset=utf-8" },
    body: JSON.stringify({
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
      title: "One or more validation errors occurred.",
      status: 400,
      errors,
      traceId: traceId(),
    }),
  };
}

/** Altinn.Authorization.ProblemDetails: a problem descriptor with a code. */
export function altinnProblem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): SimResponse {
  return {
    status,
    headers: { "content-type": "application/problem+json; charset=utf-8" },
    body: JSON.stringify({
      type: `urn:altinn:error:${code}`,
      title: detail,
      status,
      detail,
      code,
      traceId: traceId(),
      ...extra,
    }),
  };
}

/** Altinn.Authorization.ProblemDetails validation body: top-level STD-00000 with validationErrors. */
export function altinnValidationProblem(
  errors: Array<{ code: string; detail: string; paths: string[] }>,
): SimResponse {
  return {
    status: 400,
    headers: { "content-type": "application/problem+json; charset=utf-8" },
    body: JSON.stringify({
      type: "urn:altinn:error:STD-00000",
      title: "One or more validation errors occurred.",
      status: 400,
      detail: "One or more validation errors occurred.",
      code: "STD-00000",
      traceId: traceId(),
      validationErrors: errors,
    }),
  };
}

export function readJson(req: SimRequest): unknown {
  if (req.body.length === 0) return undefined;
  return JSON.parse(req.body.toString("utf8"));
}

/**
 * A JSON object body as ASP.NET binds one to the action parameter `model`: bad JSON and a missing
 * or non-object body are the model-binding errors the server answers with.
 */
export function readJsonBody(
  req: SimRequest,
  model: string,
): { value: Record<string, unknown> } | SimResponse {
  let body: unknown;
  try {
    body = readJson(req);
  } catch (error) {
    return validationProblem({ $: [`'${(error as Error).message}' is an invalid JSON literal.`] });
  }
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    return validationProblem({
      "": ["A non-empty request body is required."],
      [model]: [`The ${model} field is required.`],
    });
  }
  return { value: body as Record<string, unknown> };
}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function send(res: ServerResponse, response: SimResponse): void {
  res.writeHead(response.status, response.headers ?? {});
  res.end(response.body);
}
