import { z } from "zod";
import type { ProviderContext } from "../lib/context";
import { serviceClient, type ServiceCall } from "../lib/service-client";

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

const client = serviceClient({
  service: "Service-owner list",
  base: (ctx) => ctx.settings.endpoints.orgList,
});

/** The service owners by org code. */
export async function listServiceOwners(
  ctx: ProviderContext,
): Promise<Record<string, ServiceOwnerEntry>> {
  const call: ServiceCall = {
    operation: "read the Altinn service-owner list",
    method: "GET",
    url: client.base(ctx),
  };
  return client.parse(orgListSchema, await client.send(ctx, call), call).orgs ?? {};
}
