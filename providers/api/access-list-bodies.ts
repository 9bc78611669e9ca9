import { z } from "zod";

/**
 * The access-list API's answers as this tool reads them (docs/altinn-apis.md section 4): only the
 * fields it uses; the rest passes through.
 */

export const resourceConnectionBody = z.looseObject({
  resourceIdentifier: z.string(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  /** Left out (or null) when every action is allowed. */
  actionFilters: z.array(z.string()).nullish(),
});

export const accessListInfoBody = z.looseObject({
  urn: z.string().optional(),
  identifier: z.string(),
  name: z.string(),
  /** The server stores a missing description as "". */
  description: z.string().default(""),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  resourceConnections: z.array(resourceConnectionBody).optional(),
});

export const accessListMemberBody = z.looseObject({
  /** `urn:altinn:party:uuid:<uuid>` */
  id: z.string(),
  since: z.string().optional(),
  identifiers: z
    .looseObject({
      "urn:altinn:party:uuid": z.string().optional(),
      "urn:altinn:party:id": z.number().optional(),
      "urn:altinn:organization:identifier-no": z.string().optional(),
    })
    .nullish(),
});

/** A page of a paged collection: `links.next` leads to the next one. */
export function pageBody<T extends z.ZodType>(item: T) {
  return z.looseObject({
    links: z.looseObject({ next: z.string().nullish() }).nullish(),
    data: z.array(item).nullish(),
  });
}

export type ResourceConnectionDto = z.output<typeof resourceConnectionBody>;
export type AccessListInfoDto = z.output<typeof accessListInfoBody>;
export type AccessListMemberDto = z.output<typeof accessListMemberBody>;
