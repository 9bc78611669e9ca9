import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { inferResourceId } from "../../policies/registry";
import { readXacml } from "../../policies/xacml";
import type { Simulator } from "../../simulator/server";
import { DEMO_ORG, DEMO_ORGNR } from "./simulator";

/**
 * Altinn's own test data (../shared/fixtures/real/README.md), read where it lies and never copied
 * into the project. ALTINN_REAL_FIXTURES points elsewhere (a worktree not beside ../shared).
 */
export const REAL_FIXTURES =
  process.env.ALTINN_REAL_FIXTURES ??
  resolve(__dirname, "..", "..", "..", "shared", "fixtures", "real");

export function realFixtureFiles(folder: "resources" | "policies"): string[] {
  const dir = join(REAL_FIXTURES, folder);
  if (!existsSync(dir)) {
    throw new Error(
      `Altinn's real fixtures are not at ${dir}: check out ../shared beside the project, or set ALTINN_REAL_FIXTURES`,
    );
  }
  return readdirSync(dir)
    .filter((name) => /\.(json|xml)$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * The properties of the registry's ServiceResource (altinn-resource-registry
 * src/Altinn.ResourceRegistry.Core/Models/ServiceResource.cs): what it keeps of a posted
 * document. ASP.NET binds them ignoring case and drops the rest.
 */
const SERVICE_RESOURCE_PROPERTIES = [
  "identifier",
  "version",
  "title",
  "description",
  "rightDescription",
  "homepage",
  "status",
  "spatial",
  "contactPoints",
  "produces",
  "isPartOf",
  "thematicAreas",
  "resourceReferences",
  "delegable",
  "visible",
  "hasCompetentAuthority",
  "keywords",
  "accessListMode",
  "selfIdentifiedUserEnabled",
  "enterpriseUserEnabled",
  "resourceType",
  "availableForType",
  "authorizationReference",
  "consentTemplate",
  "consentText",
  "consentMetadata",
  "isOneTimeConsent",
] as const;

/** The C# defaults of the properties a document leaves out (ServiceResource.cs initialisers). */
const DEFAULTS = {
  resourceType: "Default",
  delegable: true,
  visible: true,
  accessListMode: "Disabled",
  selfIdentifiedUserEnabled: false,
  enterpriseUserEnabled: false,
  isOneTimeConsent: false,
};

/** A fixture document as the registry stores it, owned by the demo org (the rest unchanged). */
export function asStoredResource(document: Record<string, unknown>): Record<string, unknown> {
  const byLowerName = new Map(Object.entries(document).map(([k, v]) => [k.toLowerCase(), v]));
  const kept = Object.fromEntries(
    SERVICE_RESOURCE_PROPERTIES.flatMap((name) => {
      const value = byLowerName.get(name.toLowerCase());
      return value === undefined || value === null ? [] : [[name, value]];
    }),
  );
  const authority = (kept.hasCompetentAuthority ?? {}) as Record<string, unknown>;
  return {
    ...DEFAULTS,
    ...kept,
    hasCompetentAuthority: { ...authority, organization: DEMO_ORGNR, orgcode: DEMO_ORG },
  };
}

export interface SeededFixture {
  identifier: string;
  resourceType: string;
  /** The policy file stored for it, when it has one. */
  policyFile?: string;
}

/**
 * A resource for a policy fixture whose resource is not among the resource fixtures: the fields
 * Altinn Studio's resource editor requires, nothing more. An app policy's resource is the
 * registry's app resource (`app_<org>_<app>`, with its ApplicationId reference).
 */
function resourceForPolicy(identifier: string): Record<string, unknown> {
  const app = /^app_([^_]+)_(.+)$/.exec(identifier);
  const text = { en: identifier, nb: identifier, nn: identifier };
  return {
    identifier,
    title: text,
    description: text,
    rightDescription: text,
    status: "Completed",
    contactPoints: [],
    resourceType: app ? "AltinnApp" : "GenericAccessResource",
    resourceReferences: app
      ? [
          {
            referenceSource: "Altinn3",
            reference: `${app[1]}/${app[2]}`,
            referenceType: "ApplicationId",
          },
        ]
      : [],
  };
}

/**
 * Puts every real resource and policy into the simulator under the demo org, as the registry
 * holds what Altinn Studio published: each resource document as the registry stores it, each
 * policy verbatim under the resource its rules name. Through the admin API, so no call of the
 * tool's is logged.
 */
export async function seedRealFixtures(
  simulator: Simulator,
  /** Resource identifiers to leave out. */
  except: readonly string[] = [],
): Promise<SeededFixture[]> {
  const seeded = new Map<string, SeededFixture>();
  const put = async (path: string, body: string) => {
    const response = await fetch(`${simulator.url}${path}`, { method: "PUT", body });
    if (response.status !== 204) throw new Error(`PUT ${path}: ${response.status}`);
  };
  for (const file of realFixtureFiles("resources")) {
    const stored = asStoredResource(
      JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>,
    );
    const identifier = String(stored.identifier);
    if (except.includes(identifier)) continue;
    await put(`/__admin/resources/${identifier}`, JSON.stringify(stored));
    seeded.set(identifier, { identifier, resourceType: String(stored.resourceType ?? "Default") });
  }
  for (const file of realFixtureFiles("policies")) {
    const xml = readFileSync(file, "utf8");
    const identifier = inferResourceId(readXacml(xml));
    if (!identifier) throw new Error(`${file} names no resource`);
    if (!seeded.has(identifier)) {
      const stored = asStoredResource(resourceForPolicy(identifier));
      await put(`/__admin/resources/${identifier}`, JSON.stringify(stored));
      seeded.set(identifier, { identifier, resourceType: String(stored.resourceType) });
    }
    await put(`/__admin/policies/${identifier}`, xml);
    seeded.get(identifier)!.policyFile = file;
  }
  return [...seeded.values()].sort((a, b) => a.identifier.localeCompare(b.identifier));
}
