import { asWritten, type StackCollection, type Written } from "../lib/object-kind";
import { AltinnResource } from "./resource";
import { altinnResourceInputsSchema, type AltinnResourceArgs } from "./schema";

/** `altinn-iac:resources[]` before the program adds `policy`: the inputs but what the stack sets. */
export const resourceEntryBase = altinnResourceInputsSchema
  .omit({ hasCompetentAuthority: true, accessListModeManagedSeparately: true })
  // Unknown keys reach the provider's check, which names the closest known one.
  .loose();

/** The program's entry adds the resource's `policy` (program/config-schema.ts). */
type ResourceEntry = Written<typeof resourceEntryBase> & { policy?: unknown };

export const resourceCollection: StackCollection<ResourceEntry> = {
  key: "resources",
  entry: asWritten(resourceEntryBase),
  name: (entry) => entry.identifier,
  // The owner is the stack's org; `policy` is the program's (program/resource-policies.ts).
  inputs: ({ policy: _policy, ...entry }, org) => ({
    ...entry,
    hasCompetentAuthority: { organization: org.number, orgcode: org.code },
  }),
  // An adopted resource may stay as the registry holds it: check refuses it only if up writes.
  rulesApply: (entry) => entry.adopt !== true,
  register: (entry, wiring) => {
    // Enabled access-list mode is set by a ResourceAccessListMode once the lists exist.
    const separately = entry.accessListMode === "Enabled";
    return new AltinnResource(
      entry.identifier,
      {
        ...(resourceCollection.inputs(entry, wiring.org) as AltinnResourceArgs),
        ...(separately ? { accessListMode: undefined, accessListModeManagedSeparately: true } : {}),
      },
      {
        ...wiring.options(entry.identifier),
        dependsOn: wiring.after(),
        retainOnDelete: wiring.production,
      },
    );
  },
};
