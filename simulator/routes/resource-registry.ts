import type { JWTPayload } from "jose";
import { validationProblem } from "../http/problems";
import { empty, json, text } from "../http/replies";
import { readJsonBody } from "../http/requests";
import type { SimRequest, SimResponse } from "../http/router";
import type { RouteModule, SimContext } from "../context";
import { currentResource, findResource } from "../state";
import type { ServiceResourceDoc } from "../state-types";
import { consumerOrgnr, scopesOf } from "../tokens";

/**
 * Resource Registry resources (altinn-resource-registry ResourceController and
 * ServiceResourceHelper, docs/altinn-apis.md section 3): the same status codes, bodies
 * and validation messages, the owner check against the token's `consumer`, anonymous reads, and
 * deletes refused when the simulator runs as production.
 */
const BASE = "/resourceregistry/api/v1/resource";
const WRITE_SCOPES = [
  "altinn:resourceregistry/resource.write",
  "altinn:resourceregistry/resource.admin",
];
const ADMIN_SCOPE = "altinn:resourceregistry/resource.admin";

const ENUMS: Record<string, { type: string; values: string[] }> = {
  resourceType: {
    type: "Altinn.ResourceRegistry.Core.Enums.ResourceType",
    values: [
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
    ],
  },
  accessListMode: {
    type: "Altinn.ResourceRegistry.Core.Enums.ResourceAccessListMode",
    values: ["Disabled", "Enabled"],
  },
};
const PARTY_TYPES = [
  "PrivatePerson",
  "LegalEntityEnterprise",
  "Company",
  "BankruptcyEstate",
  "SelfRegisteredUser",
];

export const resourceRegistryRoutes: RouteModule = (router, ctx) => {
  router.on("GET", `${BASE}/orgs`, () => json(200, orgList(ctx)));
  // ResourceController.ResourceList -> ResourceRegistryService.GetResourceList (Core/Services/
  // ResourceRegistryService.cs): `includeMigratedApps` (default false) drops MigratedApp resources,
  // and every listed non-app resource gets authorizationReference [urn:altinn:resource = its id]
  // in place of what is stored; GET /resource/{id} returns the stored value.
  router.on("GET", `${BASE}/resourcelist`, (req) => {
    const includeMigratedApps = req.query.get("includeMigratedApps")?.toLowerCase() === "true";
    return json(
      200,
      Object.keys(ctx.state.resources)
        .map((id) => present(ctx, currentResource(ctx.state, id)!))
        .filter((doc) => includeMigratedApps || doc.resourceType !== "MigratedApp")
        .map((doc) => ({ ...doc, authorizationReference: listedAuthorizationReference(doc) })),
    );
  });
  router.on("GET", `${BASE}/{id}`, (req) => {
    const stored = findResource(ctx.state, req.params.id!);
    if (!stored) return empty(404);
    const versionParam = req.query.get("versionId");
    const doc = versionParam
      ? stored.versions[Number(versionParam) - 1]
      : stored.versions[stored.versions.length - 1];
    return doc ? json(200, present(ctx, doc)) : empty(404);
  });
  router.on("POST", BASE, (req) =>
    withWriteToken(ctx, req, (claims) => createResource(ctx, req, claims)),
  );
  router.on("PUT", `${BASE}/{id}`, (req) =>
    withWriteToken(ctx, req, (claims) => updateResource(ctx, req, claims)),
  );
  router.on("DELETE", `${BASE}/{id}`, (req) =>
    withWriteToken(ctx, req, (claims) => deleteResource(ctx, req, claims)),
  );
};

/** The write policy: a valid Altinn token (401) with a write scope (403, empty body). */
export async function withWriteToken(
  ctx: SimContext,
  req: SimRequest,
  handler: (claims: JWTPayload) => SimResponse | Promise<SimResponse>,
): Promise<SimResponse> {
  const authenticated = await ctx.authenticateAltinn(req);
  if ("status" in authenticated) return authenticated;
  const { claims } = authenticated;
  if (!scopesOf(claims).some((s) => WRITE_SCOPES.includes(s))) return empty(403);
  return handler(claims);
}

/**
 * AuthorizationUtil.HasWriteAccess (src/Altinn.ResourceRegistry/Utils/AuthorizationUtil.cs): the
 * admin scope, or the token's consumer owns the resource. IsOwnerOfResource calls
 * `resourceOwner.Equals(...)`, so an owner without an organisation number (validation lets `ttd`
 * omit it) throws there: an unhandled exception, 500.
 */
export function hasWriteAccess(claims: JWTPayload, organization: unknown): boolean {
  if (scopesOf(claims).includes(ADMIN_SCOPE)) return true;
  if (organization === undefined || organization === null) {
    throw new Error("NullReferenceException in AuthorizationUtil.IsOwnerOfResource");
  }
  const orgnr = consumerOrgnr(claims);
  return orgnr !== undefined && typeof organization === "string" && orgnr === organization;
}

function createResource(ctx: SimContext, req: SimRequest, claims: JWTPayload): SimResponse {
  const bound = bind(req);
  if ("status" in bound) return bound;
  const doc = bound.doc;
  const errors = validate(doc, true);
  if (Object.keys(errors).length > 0) return validationProblem(errors);
  if (!hasWriteAccess(claims, owner(doc).organization)) return empty(403);
  if (findResource(ctx.state, doc.identifier)) {
    return text(409, `The Resource already exist: ${doc.identifier}`);
  }
  ctx.state.resources[doc.identifier] = { versions: [withDefaults(doc)] };
  ctx.changed();
  return empty(201, { location: `/resourceregistry/api/v1/resource/${doc.identifier}` });
}

function updateResource(ctx: SimContext, req: SimRequest, claims: JWTPayload): SimResponse {
  const stored = findResource(ctx.state, req.params.id!);
  if (!stored) return empty(404);
  const bound = bind(req);
  if ("status" in bound) return bound;
  const doc = bound.doc;
  if (req.params.id !== doc.identifier) {
    return text(400, "Id in path does not match ID in resource");
  }
  const errors = validate(doc, false);
  if (Object.keys(errors).length > 0) return validationProblem(errors);
  if (!hasWriteAccess(claims, owner(doc).organization)) return empty(403);
  stored.versions.push(withDefaults(doc));
  ctx.changed();
  return empty(200);
}

function deleteResource(ctx: SimContext, req: SimRequest, claims: JWTPayload): SimResponse {
  if (ctx.options.environment === "prod") {
    return text(403, "Delete operation is not allowed in PROD environment");
  }
  const id = req.params.id!;
  const stored = findResource(ctx.state, id);
  if (!stored) return empty(404);
  const current = stored.versions[stored.versions.length - 1]!;
  if (consumerOrgnr(claims) !== undefined && !hasWriteAccess(claims, owner(current).organization)) {
    return empty(403);
  }
  for (const key of Object.keys(ctx.state.resources)) {
    if (key.toLowerCase() === id.toLowerCase()) delete ctx.state.resources[key];
  }
  for (const key of Object.keys(ctx.state.policies)) {
    if (key.toLowerCase() === id.toLowerCase()) delete ctx.state.policies[key];
  }
  ctx.changed();
  return empty(204);
}

/** JSON model binding as System.Text.Json does it: bad JSON or enum values are model errors. */
function bind(req: SimRequest): { doc: ServiceResourceDoc } | SimResponse {
  const read = readJsonBody(req, "serviceResource");
  if (!("value" in read)) return read;
  const doc = read.value;
  for (const [field, { type, values }] of Object.entries(ENUMS)) {
    const value = doc[field];
    if (value !== undefined && value !== null && !values.includes(String(value))) {
      return validationProblem({
        [`$.${field}`]: [
          `The JSON value could not be converted to ${type}. Path: $.${field} | LineNumber: 0 | BytePositionInLine: 0.`,
        ],
      });
    }
  }
  const party = doc.availableForType;
  if (Array.isArray(party)) {
    const index = party.findIndex((p) => !PARTY_TYPES.includes(String(p)));
    if (index >= 0) {
      return validationProblem({
        [`$.availableForType[${index}]`]: [
          `The JSON value could not be converted to Altinn.ResourceRegistry.Core.Enums.ResourcePartyType. Path: $.availableForType[${index}] | LineNumber: 0 | BytePositionInLine: 0.`,
        ],
      });
    }
  }
  if (typeof doc.identifier !== "string") {
    return validationProblem({ Identifier: ["The Identifier field is required."] });
  }
  return { doc: doc as ServiceResourceDoc };
}

/** ServiceResourceHelper.ValidateResource, message for message. */
export function validate(doc: ServiceResourceDoc, isNew: boolean): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);
  const id = doc.identifier;
  const refs = Array.isArray(doc.resourceReferences)
    ? (doc.resourceReferences as Array<Record<string, unknown>>)
    : [];
  const hasRef = (type: string) => refs.some((r) => r.referenceType === type);
  if (id.startsWith("se_") && (!hasRef("ServiceCode") || !hasRef("ServiceEditionCode"))) {
    add("Identifier", "Invalid prefix. Only to be used for Altinn 2 services");
  }
  if (id.startsWith("app_") && !hasRef("ApplicationId")) {
    add("Identifier", "Invalid Prefix. app_ is only for Altinn Studio apps");
  }
  const resourceType = doc.resourceType ?? "Default";
  if (resourceType === "Default") add("ResourceType", "ResourceType needs to be set");
  const authority = owner(doc);
  const ownerValid =
    doc.hasCompetentAuthority !== undefined &&
    doc.hasCompetentAuthority !== null &&
    (String(authority.orgcode ?? "").toLowerCase() === "ttd" ||
      String(authority.organization ?? "").trim() !== "");
  if (!ownerValid) {
    add(
      "HasCompetentAuthority.Organization",
      "HasCompetentAuthority needs to be set with valid organization number",
    );
  }
  if (resourceType === "AltinnApp" && !hasRef("ApplicationId")) {
    add(
      "ResourceReferences",
      "Invalid app Resource. App resources needs to have a reference with ReferenceType ApplicationId",
    );
  }
  if (
    resourceType === "AltinnApp" &&
    !id.toLowerCase().startsWith(`app_${String(authority.orgcode ?? "").toLowerCase()}`)
  ) {
    add(
      "Identifier",
      "Invalid identifier for app resource. App resources needs to have an identifier starting with app_<org>",
    );
  }
  if (isNew && !/^[a-z0-9_-]{4,}$/.test(id)) {
    add(
      "Identifier",
      "Invalid id. Only a-z and 0-9 is allowed together with _ and -.  Minimum 4 characters",
    );
  }
  const has = (field: string, lang: string) => {
    const texts = doc[field] as Record<string, unknown> | undefined | null;
    return !!texts && typeof texts[lang] === "string" && (texts[lang] as string).trim() !== "";
  };
  const names = { en: "english", nb: "bokmal", nn: "nynorsk" } as const;
  for (const lang of ["en", "nb", "nn"] as const) {
    if (!has("title", lang)) add("Title", `Missing title in ${names[lang]} ${lang}`);
  }
  if (doc.delegable !== false) {
    for (const lang of ["en", "nb", "nn"] as const) {
      if (!has("rightDescription", lang)) {
        add("RightDescription", `Missing RightDescription in ${names[lang]} ${lang}`);
      }
    }
  }
  for (const lang of ["en", "nb", "nn"] as const) {
    if (!has("description", lang)) {
      add("Description", `Missing Description in ${names[lang]} ${lang}`);
    }
  }
  if (resourceType === "MaskinportenSchema" && !hasRef("MaskinportenScope")) {
    add("ResourceReferences", "Missing maskinporten scopen for MaskinportenSchema resource");
  }
  if (!Array.isArray(doc.contactPoints)) {
    add("ContactPoints", "The ContactPoints field is required.");
  }
  return errors;
}

function owner(doc: ServiceResourceDoc): Record<string, unknown> {
  const authority = doc.hasCompetentAuthority;
  return authority && typeof authority === "object" ? (authority as Record<string, unknown>) : {};
}

/** The C# model's defaults for the flags a client may leave out. */
function withDefaults(doc: ServiceResourceDoc): ServiceResourceDoc {
  return {
    delegable: true,
    visible: true,
    accessListMode: "Disabled",
    selfIdentifiedUserEnabled: false,
    enterpriseUserEnabled: false,
    ...stripNulls(doc),
    identifier: doc.identifier,
  };
}

function stripNulls(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== null && v !== undefined));
}

/** A stored version as GET returns it: with its versionId and the owner's name from the org list. */
function present(ctx: SimContext, doc: ServiceResourceDoc): ServiceResourceDoc {
  const stored = findResource(ctx.state, doc.identifier)!;
  const versionId = stored.versions.indexOf(doc) + 1;
  const authority = owner(doc);
  const org =
    typeof authority.orgcode === "string"
      ? ctx.state.orgs[authority.orgcode.toLowerCase()]
      : undefined;
  return {
    ...doc,
    hasCompetentAuthority: {
      ...authority,
      ...(org && authority.name === undefined ? { name: org.name } : {}),
    },
    versionId,
  } as ServiceResourceDoc;
}

/** The list's authorizationReference: org and app for `app_{org}_{app}`, the resource id otherwise. */
function listedAuthorizationReference(
  doc: ServiceResourceDoc,
): Array<{ id: string; value: string }> {
  const parts = doc.identifier.split("_");
  if (doc.identifier.toLowerCase().startsWith("app_") && parts.length >= 3) {
    return [
      { id: "urn:altinn:org", value: parts[1]! },
      { id: "urn:altinn:app", value: parts.slice(2).join("_") },
    ];
  }
  return [{ id: "urn:altinn:resource", value: doc.identifier }];
}

function orgList(ctx: SimContext): unknown {
  return {
    orgs: Object.fromEntries(
      Object.entries(ctx.state.orgs).map(([code, org]) => [
        code,
        {
          name: org.name,
          logo: "",
          orgnr: org.orgnr,
          homepage: org.homepage,
          environments: org.environments,
        },
      ]),
    ),
  };
}
