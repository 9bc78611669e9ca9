import type * as registry from "../api/resource-registry";
import { jsonEqual } from "../lib/check";
import {
  ALTINN_RESOURCE_REPLACE_ON,
  altinnResourceInputsSchema,
  DOCUMENT_FIELDS,
  MANAGED_FIELDS,
  type AltinnResourceInputs,
} from "./schema";

/** A resource between its inputs and the registry's ServiceResource document. */

/** Inputs to the API document. Unset optional fields are left out, as the server omits nulls. */
export function toServiceResourceDto(inputs: AltinnResourceInputs): registry.ServiceResourceDto {
  const dto: Record<string, unknown> = {};
  for (const field of DOCUMENT_FIELDS) {
    if (field === "accessListMode" && inputs.accessListModeManagedSeparately) continue;
    if (inputs[field] !== undefined) dto[field] = inputs[field];
  }
  return dto as registry.ServiceResourceDto;
}

/**
 * A live document projected on the fields this resource manages, with the server's defaults, so
 * refresh compares like with like and server-added fields (versionId, owner name) are no drift.
 */
export function fromServiceResourceDto(
  dto: registry.ServiceResourceDto,
  managed: AltinnResourceInputs,
): AltinnResourceInputs {
  const projected: Record<string, unknown> = {};
  for (const field of MANAGED_FIELDS) {
    const live = dto[field];
    if (live === undefined || live === null) continue;
    projected[field] = live;
  }
  const owner = (projected.hasCompetentAuthority ?? {}) as Record<string, unknown>;
  projected.hasCompetentAuthority = {
    organization: owner.organization,
    orgcode: owner.orgcode,
    // The server fills in the owner's name; it is ours only when we set it.
    ...(managed.hasCompetentAuthority.name !== undefined ? { name: owner.name } : {}),
  };
  const parsed = altinnResourceInputsSchema.safeParse(stripUndefined(projected));
  // A document the schema cannot read (edited by hand, newer server fields) is still shown as it is.
  const inputs = parsed.success ? parsed.data : (projected as AltinnResourceInputs);
  const withAdopt = managed.adopt !== undefined ? { ...inputs, adopt: managed.adopt } : inputs;
  return managed.accessListModeManagedSeparately ? withoutAccessListMode(withAdopt) : withAdopt;
}

/** Whether the live document already holds every declared field (server-added fields aside). */
export function holdsDeclared(
  live: registry.ServiceResourceDto,
  declared: AltinnResourceInputs,
): boolean {
  const projected = fromServiceResourceDto(live, declared);
  return DOCUMENT_FIELDS.every((f) => jsonEqual(projected[f], declared[f]));
}

/** Whether the live resource equals the declared one except for the fields that force a replace. */
export function isReplacementOf(
  live: registry.ServiceResourceDto,
  declared: AltinnResourceInputs,
): boolean {
  const projected = fromServiceResourceDto(live, declared);
  const differing = DOCUMENT_FIELDS.filter((f) => !jsonEqual(projected[f], declared[f]));
  return (
    differing.length > 0 &&
    differing.every(
      (f) => f !== "identifier" && (ALTINN_RESOURCE_REPLACE_ON as readonly string[]).includes(f),
    )
  );
}

/** Inputs of a resource whose accessListMode is managed separately: the mode is not its own. */
export function withoutAccessListMode(inputs: AltinnResourceInputs): AltinnResourceInputs {
  const { accessListMode: _mode, ...rest } = inputs;
  return { ...rest, accessListModeManagedSeparately: true } as AltinnResourceInputs;
}

function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

export function withLiveAccessListMode(
  inputs: AltinnResourceInputs,
  dto: registry.ServiceResourceDto,
  live: registry.ServiceResourceDto,
): registry.ServiceResourceDto {
  if (!inputs.accessListModeManagedSeparately || live.accessListMode === undefined) return dto;
  return { ...dto, accessListMode: live.accessListMode };
}
