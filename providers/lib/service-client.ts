import type { z } from "zod";
import type { ProviderContext } from "./context";
import { ApiError, type ServiceName } from "./errors";
import { send, toApiError, type HttpRequest, type HttpResponse } from "./http";

/**
 * An API client bound once per service: its name in messages, its base URL in the context's
 * environment, the token its writes carry (with the least scopes) and the stack's retry policy,
 * so a call names only what is particular to it. Answers are parsed with minimal schemas (the
 * fields this tool reads), so an unexpected body fails naming the service and operation.
 */

/** One call: the request without what the binding supplies. */
export type ServiceCall = Omit<HttpRequest, "service" | "retry" | "token"> & {
  /** Sent without a bearer token (the registry's reads are anonymous). */
  anonymous?: boolean;
};

export interface ServiceBinding {
  service: ServiceName;
  /** The service's base URL (no trailing slash) in the context's environment. */
  base(ctx: ProviderContext): string;
  /** The bearer token of its calls, with the scopes it needs; none: every call is anonymous. */
  token?(ctx: ProviderContext): Promise<string>;
}

export interface ServiceClient {
  readonly service: ServiceName;
  base(ctx: ProviderContext): string;
  send(ctx: ProviderContext, call: ServiceCall): Promise<HttpResponse>;
  /** The answer's body read with `schema`; a body of another shape is an ApiError. */
  parse<S extends z.ZodType>(schema: S, response: HttpResponse, call: ServiceCall): z.output<S>;
  /** The ApiError of an answer the caller does not accept after all. */
  error(response: HttpResponse, call: ServiceCall): ApiError;
}

export function serviceClient(binding: ServiceBinding): ServiceClient {
  const request = (ctx: ProviderContext, call: ServiceCall): HttpRequest => {
    const { anonymous, ...rest } = call;
    const token = binding.token;
    return {
      service: binding.service,
      retry: ctx.settings.retry,
      ...(token && !anonymous ? { token: () => token(ctx) } : {}),
      ...rest,
    };
  };
  return {
    service: binding.service,
    base: (ctx) => binding.base(ctx),
    send: (ctx, call) => send(request(ctx, call)),
    parse(schema, response, call) {
      const parsed = schema.safeParse(response.data);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      const at = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join(".")}` : "";
      throw new ApiError({
        service: binding.service,
        operation: call.operation,
        method: call.method,
        path: new URL(call.url).pathname,
        status: response.status,
        detail: `the answer is not what the API documents${at}: ${issue?.message ?? "unreadable"}`,
        retryable: false,
      });
    },
    error: (response, call) => toApiError({ service: binding.service, ...call }, response),
  };
}
