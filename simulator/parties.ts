import { createHash } from "node:crypto";

/**
 * Parties: organisations get a party uuid and id derived from their number, both invertible, so
 * access-list members can be named by any of the three party URNs (altinn-resource-registry
 * PartyUrn) without a register, and the PDP can map a party id back to its organisation.
 */
const ORGANIZATION_URN = "urn:altinn:organization:identifier-no:";
export const PARTY_UUID_URN = "urn:altinn:party:uuid:";
const PARTY_ID_URN = "urn:altinn:party:id:";

/** Party ids of organisations: the organisation number offset into a range no real id uses. */
const PARTY_ID_OFFSET = 100_000_000;

export interface OrganizationParty {
  uuid: string;
  partyId: number;
  orgnr: string;
}

/** The simulator's party for an organisation number: a stable uuid (ending in the number) and id. */
export function partyOfOrganization(orgnr: string): OrganizationParty {
  const h = createHash("sha256").update(`altinn-iac simulator party ${orgnr}`).digest("hex");
  return {
    uuid: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(12, 15)}-8${h.slice(15, 18)}-000${orgnr}`,
    partyId: PARTY_ID_OFFSET + Number(orgnr),
    orgnr,
  };
}

/** The organisation number of one of the simulator's organisation party ids, if it is one. */
export function organizationOfPartyId(partyId: number): string | undefined {
  const orgnr = String(partyId - PARTY_ID_OFFSET);
  return /^\d{9}$/.test(orgnr) ? orgnr : undefined;
}

type PartyLookup = { party: OrganizationParty } | { unknown: true } | { invalid: true };

/** A party URN: a known party, a well-formed URN of no party known (unknown), or not one (invalid). */
export function lookupParty(urn: string): PartyLookup {
  if (urn.startsWith(ORGANIZATION_URN)) {
    const orgnr = urn.slice(ORGANIZATION_URN.length);
    return /^\d{9}$/.test(orgnr) ? { party: partyOfOrganization(orgnr) } : { invalid: true };
  }
  if (urn.startsWith(PARTY_UUID_URN)) {
    const uuid = urn.slice(PARTY_UUID_URN.length).toLowerCase();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid)) {
      return { invalid: true };
    }
    const orgnr = /-000(\d{9})$/.exec(uuid)?.[1];
    return orgnr !== undefined && partyOfOrganization(orgnr).uuid === uuid
      ? { party: partyOfOrganization(orgnr) }
      : { unknown: true };
  }
  if (urn.startsWith(PARTY_ID_URN)) {
    const text = urn.slice(PARTY_ID_URN.length);
    if (!/^\d{1,10}$/.test(text)) return { invalid: true };
    const orgnr = Number(text) - PARTY_ID_OFFSET;
    return orgnr >= 0 && orgnr <= 999_999_999
      ? { party: partyOfOrganization(String(orgnr).padStart(9, "0")) }
      : { unknown: true };
  }
  return { invalid: true };
}

export function orgnrOfUuid(uuid: string): string | undefined {
  const found = lookupParty(`${PARTY_UUID_URN}${uuid}`);
  return "party" in found ? found.party.orgnr : undefined;
}
