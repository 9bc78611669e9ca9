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
 * so a ResourceAccessListMode can switch it on after the access lists exist.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import * as registry from "./api/resource-registry";
import { checkWithSchema, jsonEqual, userInputs, type CheckFailure } from "./lib/check";
import { CreatedInThisProcess, oncePerContext, type ProviderContext } from "./lib/context";
import type { ProviderImplementation } from "./lib/provider";
import { runtimeProvider } from "./lib/shell";
import { lifecycle } from "./lib/lifecycle";
import { asWritten, type ObjectKind, type StackCollection, type Written } from "./lib/object-kind";
import type { Inputs } from "./lib/types";
import { environmentProperties } from "./lib/environments";

/** ResourceType.cs in the registry; Default is what it stores for a document that names none. */
const RESOURCE_TYPES = [
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

const PARTY_TYPES = [
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

const STATUSES = ["Completed", "Deprecated", "UnderDevelopment", "Withdrawn"];

/** The Resource Registry's identifier rule (ServiceResourceHelper.ResourceIdentifierRegex). */
export const IDENTIFIER_PATTERN = /^[a-z0-9_-]{4,}$/;

/**
 * The registry stores any language key (ServiceResource.Title is a Dictionary<string, string>);
 * older documents use "nb-NO" and "EN". validateResource names keys other than nb, nn and en.
 */
const LANGUAGE_CODES = ["nb", "nn", "en"] as const;
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

/** How policies, access lists and Events name a resource. */
export function resourceUrn(identifier: string): string {
  return `urn:altinn:resource:${identifier}`;
}

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

const MANAGED_FIELDS = Object.keys(altinnResourceInputsSchema.shape) as Array<
  keyof AltinnResourceInputs
>;

/** This tool's own switches: inputs that are not part of the API document. */
const TOOL_FIELDS: ReadonlyArray<keyof AltinnResourceInputs> = [
  "accessListModeManagedSeparately",
  "adopt",
];

/** The fields of the API document: every managed field but this tool's own switches. */
const DOCUMENT_FIELDS = MANAGED_FIELDS.filter((f) => !TOOL_FIELDS.includes(f));

/**
 * The server's own validation (ServiceResourceHelper.ValidateResource), run at preview so a bad
 * stack fails before any write, each failure naming the property and the fix.
 */
export function validateResource(inputs: AltinnResourceInputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const id = inputs.identifier;
  if (!IDENTIFIER_PATTERN.test(id)) {
    failures.push({
      property: "identifier",
      reason: `"${id}" is not a valid resource identifier: only lowercase a-z, 0-9, "_" and "-", at least 4 characters (for example "${suggestIdentifier(id, inputs.hasCompetentAuthority.orgcode)}")`,
    });
  }
  if (id.startsWith("app_")) {
    failures.push({
      property: "identifier",
      reason: `"${id}": the prefix app_ is reserved for Altinn Studio apps; choose an identifier such as "${inputs.hasCompetentAuthority.orgcode}-${id.slice(4)}"`,
    });
  }
  if (id.startsWith("se_")) {
    failures.push({
      property: "identifier",
      reason: `"${id}": the prefix se_ is reserved for Altinn 2 service-engine resources; choose another identifier`,
    });
  }
  const languages = [
    ["nb", "bokmål"],
    ["nn", "nynorsk"],
    ["en", "English"],
  ] as const;
  for (const field of ["title", "description", "rightDescription"] as const) {
    for (const key of Object.keys(inputs[field] ?? {})) {
      if (!(LANGUAGE_CODES as readonly string[]).includes(key)) {
        failures.push({
          property: `${field}.${key}`,
          reason: `"${key}" is not a language key Altinn Studio writes: use nb, nn and en`,
        });
      }
    }
  }
  if (inputs.resourceType === "Default") {
    failures.push({
      property: "resourceType",
      reason:
        "Default is what the registry stores for a resource that names no type: choose one, such as CorrespondenceService",
    });
  }
  const texts: Array<["title" | "description" | "rightDescription", string]> = [
    ["title", "title"],
    ["description", "description"],
  ];
  if (inputs.delegable) {
    texts.push(["rightDescription", "rightDescription (required when delegable is true)"]);
  }
  for (const [field, label] of texts) {
    for (const [code, name] of languages) {
      const value = inputs[field]?.[code];
      if (value === undefined || value.trim() === "") {
        failures.push({
          property: `${field}.${code}`,
          reason: `missing ${label} in ${name} (${code}): the Resource Registry requires nb, nn and en`,
        });
      }
    }
  }
  const owner = inputs.hasCompetentAuthority;
  if (!/^[a-z0-9]{2,10}$/.test(owner.orgcode)) {
    failures.push({
      property: "hasCompetentAuthority.orgcode",
      reason: `"${owner.orgcode}" is not an Altinn org code: use the service owner's lowercase code, such as "digdir"`,
    });
  }
  // The registry's validation lets ttd omit it, but its owner check then throws (500).
  if (owner.organization === undefined || owner.organization.trim() === "") {
    failures.push({
      property: "hasCompetentAuthority.organization",
      reason:
        owner.orgcode === "ttd"
          ? "the owner's 9-digit organisation number is required, also for ttd: without it the Resource Registry fails every write with 500 (its owner check needs the number); use Digdir's, 991825827, which Altinn gives ttd"
          : "the owner's 9-digit organisation number is required",
    });
  } else if (!/^\d{9}$/.test(owner.organization)) {
    failures.push({
      property: "hasCompetentAuthority.organization",
      reason: `"${owner.organization}" is not a 9-digit organisation number`,
    });
  }
  if (!STATUSES.includes(inputs.status)) {
    failures.push({
      property: "status",
      reason: `"${inputs.status}" is not a status Altinn Studio sets: use one of ${STATUSES.join(", ")}`,
    });
  }
  if (!inputs.contactPoints?.length) {
    failures.push({
      property: "contactPoints",
      reason:
        "at least one contact point is required (Altinn Studio's rule): add { category, email }",
    });
  }
  (inputs.contactPoints ?? []).forEach((point, index) => {
    if (
      [point.category, point.email, point.telephone, point.contactPage].every(
        (v) => v.trim() === "",
      )
    ) {
      failures.push({
        property: `contactPoints.${index}`,
        reason: "a contact point needs at least one of category, email, telephone or contactPage",
      });
    }
    failures.push(...contactPointFailures(point, `contactPoints.${index}`));
  });
  if (id.length > MAX_IDENTIFIER_LENGTH) {
    failures.push({
      property: "identifier",
      reason: `the identifier is ${id.length} characters long, more than the ${MAX_IDENTIFIER_LENGTH} Altinn Correspondence stores for a message's resource: shorten it, such as "${inputs.hasCompetentAuthority.orgcode}-melding"`,
    });
  }
  if (
    inputs.resourceType === "MaskinportenSchema" &&
    !inputs.resourceReferences.some((r) => r.referenceType === "MaskinportenScope")
  ) {
    failures.push({
      property: "resourceReferences",
      reason:
        "a MaskinportenSchema resource needs a reference with referenceType MaskinportenScope",
    });
  }
  return failures;
}

/**
 * Correspondence stores a message's resource identifier in 255 characters (altinn-correspondence
 * src/Altinn.Correspondence.Core/Models/Entities/CorrespondenceEntity.cs, ResourceId); the
 * registry itself sets no limit.
 */
export const MAX_IDENTIFIER_LENGTH = 255;

/**
 * What users will click or dial. The registry stores any text (ContactPoint.cs has no
 * validation), and Altinn shows it as written, so a value that is not an e-mail address, a web
 * address or a phone number reaches nobody. Empty fields stay allowed (Studio writes "").
 */
export function contactPointFailures(
  point: { email: string; telephone: string; contactPage: string },
  at: string,
): Array<{ property: string; reason: string }> {
  const failures: Array<{ property: string; reason: string }> = [];
  const email = point.email.trim();
  const address = /^[^\s@()<>,;:"[\]]+@[^\s@()<>,;:"[\]]+\.[a-z]{2,}$/i;
  // Some registry entries list two addresses; each must be one.
  if (email !== "" && !email.split(/\s*[,;]\s*/).every((part) => address.test(part))) {
    const repaired = email
      .replace(/\s*[([{]\s*(at|alfa|krøllalfa)\s*[)\]}]\s*/i, "@")
      .replace(/\s*[([{]\s*(dot|punktum)\s*[)\]}]\s*/gi, ".");
    failures.push({
      property: `${at}.email`,
      reason: `"${point.email}" is not an e-mail address: write it as name@domain${repaired !== email && repaired.includes("@") ? `, that is "${repaired}"` : ', such as "postmottak@example.no"'}`,
    });
  }
  const page = point.contactPage.trim();
  if (page !== "" && !/^https?:\/\/[^\s/]+\.[^\s/]+/i.test(page)) {
    const looksLikeHost = /^[^\s/:]+\.[a-z]{2,}(\/\S*)?$/i.test(page);
    failures.push({
      property: `${at}.contactPage`,
      reason: looksLikeHost
        ? `"${point.contactPage}" has no https://, so Altinn shows it as text and not as a link: write "https://${page}"`
        : `"${point.contactPage}" is not a web address: write the page's full address, such as "https://www.example.no/kontakt"`,
    });
  }
  const phone = point.telephone.trim();
  const digits = phone.replace(/\D/g, "").length;
  // A number with a note ("22 00 00 00 (08-15)") is shown as written and still dialled.
  const onlyNumber = /^[\d\s()+.-]+$/.test(phone);
  if (phone !== "" && (digits < 3 || (onlyNumber && digits > 15))) {
    failures.push({
      property: `${at}.telephone`,
      reason: `"${point.telephone}" is not a telephone number: write the number in digits, with +, spaces or - if you like, such as "+47 22 00 00 00" (other ways to reach you go in email or contactPage)`,
    });
  }
  return failures;
}

function suggestIdentifier(id: string, orgcode: string): string {
  const cleaned = id
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^app_/, "");
  const candidate = cleaned.length >= 4 ? cleaned : `${orgcode}-${cleaned || "resource"}`;
  return IDENTIFIER_PATTERN.test(candidate) ? candidate : `${orgcode}-melding`;
}

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

function warnKept(ctx: ProviderContext, id: string, invalid: CheckFailure[]): void {
  for (const failure of invalid) {
    ctx.warn(
      `resource ${id} is kept as the registry holds it, but a write would be refused: ${failure.property}: ${failure.reason}`,
    );
  }
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
function isReplacementOf(
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

/** How the preview names a resource it takes over: its id and the live version. */
function adoptionLabel(live: registry.ServiceResourceDto): string {
  const version = live.versionId !== undefined ? ` (version ${String(live.versionId)})` : "";
  return `existing resource ${live.identifier}${version}`;
}

function takeoverRefusal(id: string, live: registry.ServiceResourceDto): string {
  return `resource ${id} already exists${live.versionId !== undefined ? ` (version ${String(live.versionId)})` : ""} with other content than declared, and this stack does not manage it: set adopt: true to take it over (its document is then replaced by the declared one), or choose another identifier`;
}

/** Inputs of a resource whose accessListMode is managed separately: the mode is not its own. */
function withoutAccessListMode(inputs: AltinnResourceInputs): AltinnResourceInputs {
  const { accessListMode: _mode, ...rest } = inputs;
  return { ...rest, accessListModeManagedSeparately: true } as AltinnResourceInputs;
}

function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

function withLiveAccessListMode(
  inputs: AltinnResourceInputs,
  dto: registry.ServiceResourceDto,
  live: registry.ServiceResourceDto,
): registry.ServiceResourceDto {
  if (!inputs.accessListModeManagedSeparately || live.accessListMode === undefined) return dto;
  return { ...dto, accessListMode: live.accessListMode };
}

function outputsOf(ctx: ProviderContext, inputs: AltinnResourceInputs): AltinnResourceOutputs {
  return {
    ...inputs,
    resourceUrn: resourceUrn(inputs.identifier),
    resourceUrl: registry.resourceUrl(ctx, inputs.identifier),
  };
}

export const altinnResourceLifecycle = lifecycle<AltinnResourceInputs>({
  schema: altinnResourceInputsSchema,
  replaceOn: ALTINN_RESOURCE_REPLACE_ON,
  createOnly: ["adopt"],
  rules: validateResource,
});

const { managedInputs } = altinnResourceLifecycle;

/**
 * Every resource of the registry as check first saw them in this run: N new resources are looked
 * up in one list instead of N reads, and only one that is listed is read in full.
 */
const resourcesBefore = oncePerContext(registry.listResources);

const createdHere = new CreatedInThisProcess();

/**
 * Whether this provider process created the resource: it then has no policy until this process
 * uploads one, so ResourcePolicy need not read it first.
 */
export function resourceCreatedInThisProcess(ctx: ProviderContext, identifier: string): boolean {
  return createdHere.has(ctx, identifier);
}

export const altinnResourceImplementation: ProviderImplementation = {
  async check(ctx, olds, news) {
    const result = checkWithSchema(altinnResourceInputsSchema, news);
    if (result.failures.length > 0 || result.inputs === news) return result;
    const recorded = Object.keys(userInputs(olds)).length > 0;
    const declaresAvailableForType = userInputs(news).availableForType !== undefined;
    if (!declaresAvailableForType) {
      // Undeclared, it stays as the stack recorded it; a new resource gets Studio's default,
      // dropped below when it adopts a live one that has none (so adopting writes nothing for it).
      const kept = recorded ? userInputs(olds).availableForType : DEFAULT_AVAILABLE_FOR_TYPE;
      if (kept !== undefined) result.inputs = { ...result.inputs, availableForType: kept };
    }
    const declared = managedInputs(result.inputs);
    // What the registry already holds and up does not write is not refused, only warned about:
    // real resources break rules the registry applies to new ones (ResourceController
    // ServiceResourceHelper.ValidateResource checks the identifier only when it is new).
    let invalid = validateResource(declared);
    const keptAsIs = (live: Record<string, unknown>) =>
      DOCUMENT_FIELDS.every((f) => jsonEqual(live[f], declared[f]));
    if (invalid.length > 0 && recorded && keptAsIs(managedInputs(olds))) {
      warnKept(ctx, declared.identifier, invalid);
      invalid = [];
    }
    const failures = [...invalid];
    const raw = userInputs(news);
    let inputs = result.inputs;
    if (raw.accessListModeManagedSeparately === true) {
      if (raw.accessListMode !== undefined) {
        failures.push({
          property: "accessListMode",
          reason:
            "accessListMode is set by a ResourceAccessListMode resource when accessListModeManagedSeparately is true: remove it here",
        });
      }
      // The schema's default mode is not this resource's to send.
      const { accessListMode: _mode, ...rest } = inputs;
      inputs = rest;
    }
    const onlyInvalid = failures.length > 0 && failures.length === invalid.length;
    if ((failures.length > 0 && !(onlyInvalid && declared.adopt === true)) || recorded) {
      return { inputs, failures };
    }
    // A new resource: say now, before any write, whether it exists and what create will do.
    let sent = managedInputs(inputs);
    const listed = (await resourcesBefore(ctx)).some((r) => r.identifier === sent.identifier);
    const live = listed ? await registry.getResource(ctx, sent.identifier) : undefined;
    if (!live) return { inputs, failures };
    if (
      !declaresAvailableForType &&
      !(Array.isArray(live.availableForType) && live.availableForType.length > 0)
    ) {
      const { availableForType: _default, ...rest } = inputs;
      inputs = rest;
      sent = managedInputs(inputs);
    }
    if (holdsDeclared(live, sent)) {
      if (onlyInvalid) warnKept(ctx, sent.identifier, invalid);
      return {
        inputs: { ...inputs, adopting: `${adoptionLabel(live)}, already as declared: no write` },
        failures: [],
      };
    }
    if (onlyInvalid) return { inputs, failures };
    // The engine checks a replacement again without its old inputs: the live resource then is this
    // stack's own, differing only in what forces the replacement (type or owner).
    if (isReplacementOf(live, sent)) return { inputs, failures };
    if (sent.adopt !== true) {
      return {
        inputs,
        failures: [{ property: "adopt", reason: takeoverRefusal(sent.identifier, live) }],
      };
    }
    ctx.warn(
      `adopting ${adoptionLabel(live)}: up replaces its document with the declared one (a new resource version)`,
    );
    return { inputs: { ...inputs, adopting: adoptionLabel(live) }, failures };
  },

  async diff(_ctx, _id, olds, news) {
    const result = altinnResourceLifecycle.diff(olds, news);
    // Same identifier, new type or owner: the registry holds one resource per identifier, so the
    // old one must go before the new one is made.
    const sameIdentifier = managedInputs(olds).identifier === managedInputs(news).identifier;
    return {
      ...result,
      ...((result.replaces ?? []).length > 0 && sameIdentifier
        ? { deleteBeforeReplace: true }
        : {}),
    };
  },

  async create(ctx, props) {
    const inputs = managedInputs(props);
    const dto = toServiceResourceDto(inputs);
    // Adopting reads first: check found the resource (it said "adopting"), and a refused POST
    // would be a write.
    const knownToExist = inputs.adopt === true || userInputs(props).adopting !== undefined;
    // Otherwise POST first: a new resource, the usual case, costs one call. A taken identifier
    // (409) is read: it is what a lost answer to our own create left when it holds the declared
    // document, and is taken over only with adopt: true otherwise.
    const posted = knownToExist ? undefined : await registry.createResource(ctx, dto);
    const existing =
      posted === "created" ? undefined : await registry.getResource(ctx, inputs.identifier);
    if (posted === "created") {
      createdHere.add(ctx, inputs.identifier);
    } else if (!existing) {
      await registry.createResource(ctx, dto);
      createdHere.add(ctx, inputs.identifier);
    } else if (!holdsDeclared(existing, inputs)) {
      // A replacement in production, where the old one could not be deleted, is the stack's own.
      if (inputs.adopt !== true && !isReplacementOf(existing, inputs)) {
        throw new Error(takeoverRefusal(inputs.identifier, existing));
      }
      await registry.updateResource(ctx, withLiveAccessListMode(inputs, dto, existing));
    }
    return { id: inputs.identifier, outs: outputsOf(ctx, inputs) };
  },

  async read(ctx, id, props) {
    const managed = managedInputs(props);
    const live = await registry.readResource(ctx, id, {
      withAuthorizationReference: managed.authorizationReference !== undefined,
    });
    if (!live) return {};
    const inputs = fromServiceResourceDto(live, managed);
    return { id, props: outputsOf(ctx, inputs), inputs: { ...inputs } };
  },

  async update(ctx, _id, _olds, news) {
    const inputs = managedInputs(news);
    const dto = toServiceResourceDto(inputs);
    // A PUT replaces the whole document: a mode managed elsewhere is sent back as it is live.
    const live = inputs.accessListModeManagedSeparately
      ? await registry.getResource(ctx, inputs.identifier)
      : undefined;
    await registry.updateResource(ctx, live ? withLiveAccessListMode(inputs, dto, live) : dto);
    return { outs: outputsOf(ctx, inputs) };
  },

  async delete(ctx, id) {
    if (!environmentProperties(ctx.settings.environment).resourceDeletion) {
      ctx.warn(
        `resource ${id} is retained: the Resource Registry does not allow deleting resources in production. ` +
          `It is no longer managed by this stack; set status "Withdrawn" and visible false before removing it from the program to retire it.`,
      );
      return;
    }
    const outcome = await registry.deleteResource(ctx, id);
    if (outcome === "forbidden-in-environment") {
      ctx.warn(
        `resource ${id} is retained: the Resource Registry refused the delete in this environment (it forbids deletes in production)`,
      );
    }
  },
};

/**
 * A Resource Registry resource, managed declaratively.
 *
 * ```ts
 * new AltinnResource("melding", {
 *   identifier: "digdir-melding",
 *   title: { nb: "Melding", nn: "Melding", en: "Message" },
 *   ...
 * });
 * ```
 */
export class AltinnResource extends pulumi.dynamic.Resource {
  declare readonly identifier: pulumi.Output<string>;
  declare readonly resourceUrn: pulumi.Output<string>;
  declare readonly resourceUrl: pulumi.Output<string>;
  declare readonly accessListMode: pulumi.Output<"Disabled" | "Enabled">;
  declare readonly hasCompetentAuthority: pulumi.Output<
    AltinnResourceInputs["hasCompetentAuthority"]
  >;

  constructor(name: string, args: AltinnResourceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      altinnResourceProvider,
      name,
      { ...args, resourceUrn: undefined, resourceUrl: undefined },
      opts,
      "altinn",
      "AltinnResource",
    );
  }
}

const altinnResourceProvider = runtimeProvider("AltinnResource");

/** `altinn-iac:resources[]` before the program adds `policy`: the inputs but what the stack sets. */
export const resourceEntryBase = altinnResourceInputsSchema
  .omit({ hasCompetentAuthority: true, accessListModeManagedSeparately: true })
  // Unknown keys reach the provider's check, which names the closest known one.
  .loose();

/** The program's entry adds the resource's `policy` (program/config-schema.ts). */
type ResourceEntry = Written<typeof resourceEntryBase> & { policy?: unknown };

const resourceCollection: StackCollection<ResourceEntry> = {
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

export const altinnResourceKind = {
  kind: "AltinnResource",
  implementation: altinnResourceImplementation,
  lifecycle: altinnResourceLifecycle,
  stack: resourceCollection,
} as const satisfies ObjectKind;
