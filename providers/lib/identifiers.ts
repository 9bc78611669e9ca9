import { z } from "zod";

/**
 * How Altinn names orgs, parties, resources and access lists: the patterns and URNs every
 * provider, the stack file and export share.
 */

/** An org code: the service owner's lowercase Altinn code, such as `digdir`. */
export const ORG_CODE_PATTERN = /^[a-z0-9]{2,10}$/;
export const ORGANIZATION_NUMBER = /^\d{9}$/;
export const ORGANIZATION_URN = "urn:altinn:organization:identifier-no:";
export const PARTY_UUID_URN = "urn:altinn:party:uuid:";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Resource Registry's identifier rule (ServiceResourceHelper.ResourceIdentifierRegex). */
export const RESOURCE_IDENTIFIER_PATTERN = /^[a-z0-9_-]{4,}$/;
/** Lowercase slug: what the access-list API documents (`format: slug`) and Studio creates. */
export const ACCESS_LIST_IDENTIFIER_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** YAML reads an unquoted number as a number; an organisation number is its text. */
export const numberText = z.union([z.string(), z.number().int().transform(String)]);

/** How policies, access lists and Events name a resource. */
export function resourceUrn(identifier: string): string {
  return `urn:altinn:resource:${identifier}`;
}

/** How the API and the PDP name an access list. */
export function accessListUrn(owner: string, identifier: string): string {
  return `urn:altinn:access-list:${owner}:${identifier}`;
}

/**
 * A party as this tool keeps it: an organisation number, or `urn:altinn:party:uuid:<uuid>` with
 * a lowercase uuid. Undefined when the value is neither.
 */
export function canonicalParty(value: string): string | undefined {
  const text = value.trim();
  if (ORGANIZATION_NUMBER.test(text)) return text;
  if (text.startsWith(ORGANIZATION_URN)) {
    const orgnr = text.slice(ORGANIZATION_URN.length);
    return ORGANIZATION_NUMBER.test(orgnr) ? orgnr : undefined;
  }
  if (text.toLowerCase().startsWith(PARTY_UUID_URN)) {
    const uuid = text.slice(PARTY_UUID_URN.length).toLowerCase();
    return UUID.test(uuid) ? `${PARTY_UUID_URN}${uuid}` : undefined;
  }
  return undefined;
}

/** The party URN the APIs take for a canonical party. */
export function partyUrn(party: string): string {
  return ORGANIZATION_NUMBER.test(party) ? `${ORGANIZATION_URN}${party}` : party;
}
