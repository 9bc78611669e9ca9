import type { ProviderContext } from "../../lib/context";
import { isApiError } from "../../lib/errors";
import { parseBody } from "../../lib/response";
import { scopeAccessListSchema, type ScopeAccess } from "./model";
import { SELF_SERVICE, selfServiceCall } from "./service";

/** The org's scope grants; Digdir answers an org with none by an error "... does not have any ...". */
export async function listScopeAccess(ctx: ProviderContext): Promise<ScopeAccess[]> {
  const operation = "list the scopes the organisation has access to";
  try {
    const response = await selfServiceCall(ctx, {
      operation,
      method: "GET",
      path: "/scopes/access/all",
    });
    return parseBody(scopeAccessListSchema, response, { service: SELF_SERVICE, operation });
  } catch (error) {
    if (isApiError(error) && error.status < 500 && /does not have any/i.test(error.detail))
      return [];
    throw error;
  }
}
