import { validationProblem } from "./problems";
import type { SimRequest, SimResponse } from "./router";

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
  const read = readJsonValue(req);
  if ("status" in read) return read;
  const body = read.value;
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    return validationProblem({
      "": ["A non-empty request body is required."],
      [model]: [`The ${model} field is required.`],
    });
  }
  return { value: body as Record<string, unknown> };
}

/** Any JSON body (undefined when empty); bad JSON is System.Text.Json's model-binding error. */
export function readJsonValue(req: SimRequest): { value: unknown } | SimResponse {
  try {
    return { value: readJson(req) };
  } catch (error) {
    return validationProblem({ $: [`'${(error as Error).message}' is an invalid JSON literal.`] });
  }
}

/** A request header as one string (repeated headers joined with commas, as HTTP allows). */
export function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}
