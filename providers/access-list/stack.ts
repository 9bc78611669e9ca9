import type { StackCollection } from "../lib/object-kind";
import { asWritten } from "../lib/object-kind";
import { AccessList } from "./resource";
import { accessListInputsSchema } from "./schema";

/** `altinn-iac:accessLists[]`: the provider's inputs but the owner, which is the stack's org. */
export const accessListEntrySchema = asWritten(accessListInputsSchema.omit({ owner: true }), [
  "members",
  "resources",
]);

export type AccessListEntry = ReturnType<typeof accessListEntrySchema.parse>;

/** An access list's provider inputs from its stack-file entry. */
export function accessListArgs(entry: AccessListEntry, owner: string) {
  return { owner, ...entry };
}

export const accessListCollection: StackCollection<AccessListEntry> = {
  key: "accessLists",
  entry: accessListEntrySchema,
  name: (entry) => entry.identifier,
  inputs: (entry, org) => accessListArgs(entry, org.code),
  // A list is made after the resources it connects (a connection to a missing one is RR-00002).
  register: (entry, wiring) =>
    new AccessList(entry.identifier, accessListArgs(entry, wiring.org.code), {
      ...wiring.options(entry.identifier),
      dependsOn: wiring.after(
        "AltinnResource",
        entry.resources.map((r) => r.identifier),
      ),
    }),
};
