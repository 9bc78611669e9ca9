import { z } from "zod";
import { RESOURCE_IDENTIFIER_PATTERN } from "../lib/identifiers";
import type { Inputs } from "../lib/types";

/** A Resource Registry resource's inputs: the schema the provider checks and the stack file derives. */

/** ResourceType.cs in the registry; Default is what it stores for a document that names none. */
export const RESOURCE_TYPES = [
  "Default",
  "Systemresource",
  "MaskinportenSchema",
  "Altinn2Service",
  "AltinnApp",
  "GenericAccessResource",
  "BrokerService",
  "CorrespondenceService",
  "Consent",
  "MigratedApp",
] as const;

export const PARTY_TYPES = [
  "PrivatePerson",
  "LegalEntityEnterprise",
  "Company",
  "BankruptcyEstate",
  "SelfRegisteredUser",
] as const;

const REFERENCE_SOURCES = ["Default", "Altinn1", "Altinn2", "Altinn3", "ExternalPlatform"] as const;
const REFERENCE_TYPES = [
  "Default",
  "Uri",
  "DelegationSchemeId",
  "MaskinportenScope",
  "ServiceCode",
  "ServiceEditionCode",
  "ApplicationId",
  "ServiceEditionVersion",
] as const;

export const STATUSES = ["Completed", "Deprecated", "UnderDevelopment", "Withdrawn"];

/** The Resource Registry's identifier rule (providers/lib/identifiers.ts). */
export const IDENTIFIER_PATTERN = RESOURCE_IDENTIFIER_PATTERN;

/**
 * The registry stores any language key (ServiceResource.Title is a Dictionary<string, string>);
 * older documents use "nb-NO" and "EN". validateResource names keys other than nb, nn and en.
 */
export const LANGUAGE_CODES = ["nb", "nn", "en"] as const;
const localized = z
  .object({ nb: z.string().optional(), nn: z.string().optional(), en: z.string().optional() })
  .catchall(z.string());

/** Altinn Studio's choice for a new resource; the registry itself sets none. */
export const DEFAULT_AVAILABLE_FOR_TYPE: Array<(typeof PARTY_TYPES)[number]> = ["Company"];

export const altinnResourceInputsSchema = z
  .object({
    identifier: z.string(),
    title: localized,
    description: localized,
    rightDescription: localized.optional(),
    resourceType: z.enum(RESOURCE_TYPES).default("CorrespondenceService"),
    hasCompetentAuthority: z
      .object({
        organization: z.string().optional(),
        orgcode: z.string(),
        name: localized.optional(),
      })
      .strict(),
    contactPoints: z
      .array(
        z
          .object({
            category: z.string().default(""),
            email: z.string().default(""),
            telephone: z.string().default(""),
            contactPage: z.string().default(""),
          })
          .strict(),
      )
      .optional(),
    /** Free text in the registry (ServiceResource.Status); validateResource names Studio's four. */
    status: z.string().default("Completed"),
    delegable: z.boolean().default(true),
    visible: z.boolean().default(true),
    accessListMode: z.enum(["Disabled", "Enabled"]).default("Disabled"),
    /**
     * Leave `accessListMode` to a ResourceAccessListMode resource (set after the access lists).
     * @default undefined (this resource manages accessListMode)
     */
    accessListModeManagedSeparately: z.boolean().optional(),
    selfIdentifiedUserEnabled: z.boolean().default(false),
    enterpriseUserEnabled: z.boolean().default(false),
    /**
     * Who may use the resource (ServiceResource.AvailableForType, optional in the registry).
     * @default ["Company"] for a new resource; an existing one keeps what it has, also none
     */
    availableForType: z.array(z.enum(PARTY_TYPES)).min(1).optional(),
    isPartOf: z.string().optional(),
    homepage: z.string().optional(),
    version: z.string().optional(),
    keywords: z
      .array(z.object({ word: z.string(), language: z.enum(["nb", "nn", "en"]) }).strict())
      .default([]),
    resourceReferences: z
      .array(
        z
          .object({
            referenceSource: z.enum(REFERENCE_SOURCES),
            reference: z.string(),
            referenceType: z.enum(REFERENCE_TYPES),
          })
          .strict(),
      )
      .default([]),
    spatial: z.array(z.string()).optional(),
    produces: z.array(z.string()).optional(),
    thematicAreas: z.array(z.string()).optional(),
    authorizationReference: z
      .array(z.object({ id: z.string(), value: z.string() }).strict())
      .optional(),
    /**
     * Take over the resource when it already exists (made in Altinn Studio), replacing its
     * document with the declared one.
     * @default undefined (creating a resource that exists with other content fails)
     */
    adopt: z.boolean().optional(),
  })
  .strict();

/** The resolved inputs: defaults filled in by `check`. */
export type AltinnResourceInputs = z.output<typeof altinnResourceInputsSchema>;

/** What a program passes: every field may be an Output. */
export type AltinnResourceArgs = Inputs<z.input<typeof altinnResourceInputsSchema>>;

export interface AltinnResourceOutputs extends AltinnResourceInputs {
  /** `urn:altinn:resource:{identifier}`, as policies, access lists and Events name it. */
  resourceUrn: string;
  /** The anonymous read URL of the resource in its environment. */
  resourceUrl: string;
}

/** Properties whose change replaces the resource. */
export const ALTINN_RESOURCE_REPLACE_ON = [
  "identifier",
  "hasCompetentAuthority",
  "resourceType",
] as const;

export const MANAGED_FIELDS = Object.keys(altinnResourceInputsSchema.shape) as Array<
  keyof AltinnResourceInputs
>;

/** This tool's own switches: inputs that are not part of the API document. */
const TOOL_FIELDS: ReadonlyArray<keyof AltinnResourceInputs> = [
  "accessListModeManagedSeparately",
  "adopt",
];

/** The fields of the API document: every managed field but this tool's own switches. */
export const DOCUMENT_FIELDS = MANAGED_FIELDS.filter((f) => !TOOL_FIELDS.includes(f));
