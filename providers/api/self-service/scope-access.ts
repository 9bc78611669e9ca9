import type { ProviderContext } from "../../lib/context";
import { isApiError } from "../../lib/errors";
import { scopeAccessListSchema, type ScopeAccess } from "./model";
import { selfServiceCall } from "./service";

/** The org's scope grants; Digdir answers an org with none by an error "... does not have any ...". */
export async function listScopeAccess(ctx: ProviderContext): Promise<ScopeAccess[]> {
  try {
    const response = await selfServiceCall(ctx, {
      operation: "list the scopes the organisation has access to",
      method: "GET",
      path: "/scopes/access/all",
    });
    return response.body(scopeAccessListSchema);
  } catch (error) {
    if (isApiError(error) && error.status < 500 && /does not have any/i.test(error.detail))
      return [];
    throw error;
  }
}
