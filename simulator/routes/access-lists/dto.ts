import { orgnrOfUuid, PARTY_UUID_URN, partyOfOrganization } from "../../parties";
import type { SimAccessList, SimAccessListConnection } from "../../state-types";

/** The bodies the access-list endpoints answer with (AccessListInfoDto and its parts). */
export const ACCESS_LISTS_BASE = "/resourceregistry/api/v1/access-lists";

export type Includes = { resources: boolean; actions: boolean; members: boolean };

export function connectionDto(
  resourceIdentifier: string,
  connection: SimAccessListConnection,
  withActions: boolean,
): Record<string, unknown> {
  return {
    resourceIdentifier,
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
    // null (left out) means every action; the `resources` include never shows filters.
    ...(withActions && connection.actionFilters.length > 0
      ? { actionFilters: connection.actionFilters }
      : {}),
  };
}

export function infoDto(
  list: SimAccessList,
  includes?: Includes,
  onlyResource?: string,
): Record<string, unknown> {
  const dto: Record<string, unknown> = {
    urn: `urn:altinn:access-list:${list.owner}:${list.identifier}`,
    identifier: list.identifier,
    name: list.name,
    description: list.description,
    createdAt: list.createdAt,
    updatedAt: list.updatedAt,
  };
  if (includes?.resources || includes?.actions) {
    dto.resourceConnections = Object.keys(list.connections)
      .sort()
      .filter((id) => onlyResource === undefined || id === onlyResource)
      .map((id) => connectionDto(id, list.connections[id]!, includes.actions));
  }
  return dto;
}

export function memberDto(uuid: string, since: string): Record<string, unknown> {
  const orgnr = orgnrOfUuid(uuid);
  return {
    id: `${PARTY_UUID_URN}${uuid}`,
    since,
    identifiers: {
      "urn:altinn:party:uuid": uuid,
      ...(orgnr !== undefined
        ? {
            "urn:altinn:party:id": partyOfOrganization(orgnr).partyId,
            "urn:altinn:organization:identifier-no": orgnr,
          }
        : {}),
    },
  };
}

export function listPath(list: SimAccessList): string {
  return `${ACCESS_LISTS_BASE}/${encodeURIComponent(list.owner)}/${encodeURIComponent(list.identifier)}`;
}
