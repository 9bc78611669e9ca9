/**
 * AccessList: an access list of the Resource Rights Registry ("tilgangsliste") with its members and
 * its resource connections. docs/altinn-apis.md section 4.
 *
 * | step    | HTTP (base /resourceregistry/api/v1/access-lists/{owner}/{identifier})                 |
 * |---------|-----------------------------------------------------------------------------------------|
 * | create  | PUT with If-None-Match: *; then members and connections as in update                    |
 * | read    | GET; GET /members and /resource-connections, every page; 404 -> gone                    |
 * | update  | GET (version); PUT name/description with If-Match; GET every member page, then POST    |
 * |         | (add) and DELETE (remove) only the delta, at most 100 per call, each with If-Match on   |
 * |         | the version the previous call returned; the same for resource connections (PUT/DELETE) |
 * | delete  | DELETE (members and connections go with the list; 204 when already gone)               |
 *
 * id: `{owner}/{identifier}`. Replaced when `owner` or `identifier` changes: both are the path key.
 *
 * Members are organisation numbers (`991825827`, or the `urn:altinn:organization:identifier-no:`
 * URN) and party URNs `urn:altinn:party:uuid:<uuid>`; `check` normalises them (bare numbers,
 * lowercase uuids, sorted, no duplicates). The user declares the whole set. An update adds every
 * declared member the list lacks, and removes the members this stack knew (its state) and no longer
 * declares. A member someone else added is not removed behind their back: `pulumi refresh` records
 * it as drift, and the next `up` removes it. So two writers racing on one list lose no member.
 *
 * Conflicts: every write carries the version it was computed from. A 412 means another writer got
 * in between: the provider reads the list again and applies its change once more against the new
 * version; a second 412 fails, naming the list, with nothing half-applied that the next `up` does
 * not finish. A page token invalidated by a concurrent change makes the read start over at page 1.
 *
 * A list that already exists when it is created is an error unless it holds the declared content
 * (taken over with no write), `adopt` is set (then the declared name, description, members and
 * connections replace the live ones), or it has the declared name and description and only
 * declared members and connections (what this provider's own interrupted create left; create
 * finishes it). `check` of a new list makes the same decision as create (adoption.ts).
 *
 * Files: schema.ts (the inputs), mapping.ts (normal forms, deltas, projection), rules.ts,
 * reconcile.ts (the writes), adoption.ts, provider.ts, resource.ts (the class), stack.ts (the
 * stack-file entry and its wiring).
 */
import type { ObjectKind } from "../lib/object-kind";
import { accessListImplementation, accessListLifecycle } from "./provider";
import { accessListCollection } from "./stack";

export { accessListImplementation } from "./provider";
export { AccessList } from "./resource";
export * from "./schema";
export * from "./mapping";
export * from "./rules";
export { accessListArgs, accessListEntrySchema, type AccessListEntry } from "./stack";

export const accessListKind = {
  kind: "AccessList",
  implementation: accessListImplementation,
  lifecycle: accessListLifecycle,
  stack: accessListCollection,
} as const satisfies ObjectKind;
