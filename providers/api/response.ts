import type { z } from "zod";
import type { ServiceName } from "../lib/errors";
import type { HttpResponse } from "../lib/http";

/**
 * The body of a response as `schema` reads it. The schemas hold only what the code relies on, so
 * a body of another shape is an API that changed: the error names the service, the operation and
 * the first field that differs, instead of failing later on an undefined value.
 */
export function parseBody<S extends z.ZodType>(
  schema: S,
  response: HttpResponse,
  request: { service: ServiceName; operation: string },
): z.output<S> {
  const result = schema.safeParse(response.data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const at = issue?.path.length ? issue.path.map(String).join(".") : "the body";
  throw new Error(
    `${request.service}: the answer to "${request.operation}" is not what the API documents (${at}: ${issue?.message ?? "unreadable"}); the API may have changed: report this message to the altinn-iac maintainers`,
  );
}
