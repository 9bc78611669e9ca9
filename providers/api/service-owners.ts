import { z } from "zod";
import type { ProviderContext } from "../lib/context";
import { send } from "../lib/http";
import { parseBody } from "../lib/response";

/** Altinn's list of service owners (altinn-orgs.json), anonymous: org code to number and environments. */

export interface ServiceOwnerEntry {
  orgnr?: string;
  environments?: string[];
}

const orgListSchema = z.looseObject({
  orgs: z
    .record(
      z.string(),
      z.looseObject({ orgnr: z.string().optional(), environments: z.array(z.string()).optional() }),
    )
    .optional(),
});

/** The service owners by org code. */
export async function listServiceOwners(
  ctx: ProviderContext,
): Promise<Record<string, ServiceOwnerEntry>> {
  const request = {
    service: "Service-owner list",
    operation: "read the Altinn service-owner list",
  } as const;
  const response = await send({
    ...request,
    method: "GET",
    url: ctx.settings.endpoints.orgList,
    retry: ctx.settings.retry,
  });
  return parseBody(orgListSchema, response, request).orgs ?? {};
}
