/**
 * AltinnResource: a Resource Registry resource (ServiceResource), typically of resourceType
 * CorrespondenceService. docs/altinn-apis.md section 3.
 *
 * | step    | HTTP                                                                          |
 * |---------|-------------------------------------------------------------------------------|
 * | check   | new resource: GET /resource/{id}, to say "adopting" or to refuse a takeover  |
 * | create  | GET /resource/{id}; 404 -> POST /resource; 200 -> nothing when it already    |
 * |         | holds the declared document, else PUT /resource/{id} only with `adopt: true`  |
 * | read    | GET /resource/{id} (anonymous); 404 -> gone                                   |
 * | update  | PUT /resource/{id} (full document; the server appends a version)             |
 * | delete  | DELETE /resource/{id}; never in production, where the API forbids it          |
 *
 * id: the resource identifier. Replaced when `identifier`, the owner (`hasCompetentAuthority`
 * organization or orgcode) or `resourceType` changes: the identifier is the key, the owner moves
 * the resource to another org, and Correspondence only serves CorrespondenceService resources.
 *
 * Adoption: a resource that exists when the stack creates it (made in Altinn Studio, or by this
 * provider's own create whose answer was lost) is taken over silently only when it already holds
 * the declared document, so a re-run converges and writes nothing. Otherwise the stack must say
 * `adopt: true`: `check` then adds `adopting` (shown by preview) and a warning, and create PUTs the
 * declared document, which appends a resource version. Without it, preview fails naming the
 * resource and the fix, so nobody takes over another's resource by accident.
 *
 * With `accessListModeManagedSeparately`, `accessListMode` is not this resource's: a new resource
 * gets the server's default (Disabled), an update sends the live value back, and refresh ignores it,
 * so a ResourceAccessListMode can switch it on after the access lists exist. *
 * Files: schema.ts, rules.ts (the registry's own validation, run at preview), mapping.ts (inputs
 * and the API document), provider.ts, resource.ts (the class), stack.ts (the stack-file entry).
 */
import type { ObjectKind } from "../lib/object-kind";
import { altinnResourceImplementation, altinnResourceLifecycle } from "./provider";
import { resourceCollection } from "./stack";

export { resourceUrn } from "../lib/identifiers";
export { resourceCreatedInThisProcess } from "../api/resource-registry";
export * from "./schema";
export * from "./rules";
export { fromServiceResourceDto, holdsDeclared, toServiceResourceDto } from "./mapping";
export { altinnResourceImplementation, altinnResourceLifecycle } from "./provider";
export { AltinnResource } from "./resource";
export { resourceEntryBase } from "./stack";

export const altinnResourceKind = {
  kind: "AltinnResource",
  implementation: altinnResourceImplementation,
  lifecycle: altinnResourceLifecycle,
  stack: resourceCollection,
} as const satisfies ObjectKind;
