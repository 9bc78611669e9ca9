import { z } from "zod";
import { numberText } from "../lib/identifiers";
import type { Inputs } from "../lib/types";

/**
 * An access list's inputs: the one schema the provider checks and the stack file's
 * `accessLists[]` entry derives from (stack.ts), with the names users write.
 */
export const accessListInputsSchema = z
  .object({
    /** The owner's org code (such as `digdir`); the path key with `identifier`. */
    owner: z.string(),
    /** Unique per owner; a lowercase slug such as `godkjente-banker`. */
    identifier: z.string(),
    name: z.string(),
    /** @default "" (the server stores a missing description as "") */
    description: z.string().default(""),
    /**
     * The whole set of members: organisation numbers (YAML may give them as numbers) and
     * `urn:altinn:party:uuid:` URNs.
     */
    members: z.array(numberText).default([]),
    /** Resources whose access this list grants; no `actionFilters` allows every action. */
    resources: z
      .array(
        z
          .object({
            identifier: z.string(),
            actionFilters: z.array(z.string()).default([]),
          })
          .strict(),
      )
      .default([]),
    /**
     * Take over a list that already exists (made in Altinn Studio), replacing its name,
     * description, members and connections with the declared ones.
     * @default false (creating a list that exists fails)
     */
    adopt: z.boolean().default(false),
  })
  .strict();

export type AccessListInputs = z.output<typeof accessListInputsSchema>;
export type AccessListArgs = Inputs<z.input<typeof accessListInputsSchema>>;
export type ResourceConnection = AccessListInputs["resources"][number];

export interface AccessListOutputs extends AccessListInputs {
  /** `urn:altinn:access-list:{owner}:{identifier}`, as the API and the PDP name the list. */
  accessListUrn: string;
}

/** Properties whose change replaces the list: both are the path key. */
export const ACCESS_LIST_REPLACE_ON = ["owner", "identifier"] as const;
