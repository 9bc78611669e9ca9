/**
 * Altinn's vocabulary for policies: the role codes and access packages a policy subject may name,
 * from the catalogues shipped in this directory (docs/vocabulary.md says where they come from and
 * how `npm run vocabulary -- refresh` renews them). A value Altinn does not know never matches
 * anyone, so a typo would deploy a policy that lets nobody in; it fails at preview instead.
 */
import { closest, editDistance } from "../policies/findings";
import rolesCatalogue from "./roles.json";
import packagesCatalogue from "./access-packages.json";
import scopesCatalogue from "./scopes.json";

export interface CatalogueSource {
  repository?: string;
  url?: string;
  path?: string;
  commit?: string;
  changed?: string;
  read: string;
}

export interface RoleEntry {
  /** The value of a `urn:altinn:rolecode` subject, as Altinn writes it (compared ignoring case). */
  code: string;
  name: string;
  nameEn?: string;
  /** The register that provides the role: sys-ccr (Enhetsregisteret), sys-altinn2, ... */
  provider: string;
  /** Whether Altinn offers the role for service owners' resource policies. */
  resourcePolicy: boolean;
  /** An Altinn 2 role that Altinn phases out (Altinn Studio warns about it). */
  deprecated?: boolean;
}

export interface AccessPackageEntry {
  /** The value of a `urn:altinn:accesspackage` subject: the URN's last part. */
  code: string;
  name: string;
  nameEn?: string;
  area?: string;
  resourcePolicy: boolean;
}

export interface RolesCatalogue {
  about: string;
  retrieved: string;
  sources: CatalogueSource[];
  roles: RoleEntry[];
}

export interface AccessPackagesCatalogue {
  about: string;
  retrieved: string;
  sources: CatalogueSource[];
  accessPackages: AccessPackageEntry[];
}

export interface ScopesCatalogue {
  about: string;
  retrieved: string;
  sources: CatalogueSource[];
  scopes: Array<{ scope: string; from: string }>;
}

export const ROLES: RolesCatalogue = rolesCatalogue;
export const SCOPES: ScopesCatalogue = scopesCatalogue;
export const ACCESS_PACKAGES: AccessPackagesCatalogue = packagesCatalogue;

/** What is wrong with one value, and what to write instead. */
export interface VocabularyFinding {
  severity: "error" | "warning";
  /** A stable code for tests and filters, such as `unknown-role`. */
  code: string;
  message: string;
  fix: string;
}

const ROLE_URN = "urn:altinn:rolecode";
const PACKAGE_URN = "urn:altinn:accesspackage";

const rolesByCode = new Map(ROLES.roles.map((r) => [r.code.toLowerCase(), r]));
const packagesByCode = new Map(ACCESS_PACKAGES.accessPackages.map((p) => [p.code, p]));

const roleLabel = (role: RoleEntry) => `${role.code} (${role.name})`;
const packageLabel = (entry: AccessPackageEntry) => `${entry.code} (${entry.name})`;

/** A finding about a role code, or undefined when Altinn offers it for policies as it is. */
export function roleFinding(value: string): VocabularyFinding | undefined {
  const given = value.trim();
  const prefixed = new RegExp(`^${ROLE_URN}:`, "i").exec(given);
  if (prefixed) {
    const code = given.slice(prefixed[0].length);
    return {
      severity: "error",
      code: "role-urn",
      message: `"${value}" is a role URN, but a role subject holds the code alone`,
      fix: `write ${code.toUpperCase()}`,
    };
  }
  const role = rolesByCode.get(given.toLowerCase());
  if (!role) {
    const byName = ROLES.roles.find(
      (r) =>
        r.name.toLowerCase() === given.toLowerCase() ||
        r.nameEn?.toLowerCase() === given.toLowerCase(),
    );
    // Of equally close codes, the ones Altinn offers for policies come first.
    const offered = ROLES.roles.filter((r) => r.resourcePolicy && !r.deprecated);
    const nearCode =
      closest(
        given,
        offered.map((r) => r.code),
      ) ??
      closest(
        given,
        ROLES.roles.map((r) => r.code),
      );
    const near = byName ?? rolesByCode.get(nearCode?.toLowerCase() ?? "");
    return {
      severity: "error",
      code: "unknown-role",
      message: `"${value}" is not a role code Altinn knows (${ROLES.roles.length} codes in vocabulary/roles.json, retrieved ${ROLES.retrieved}), so the rule would match nobody`,
      fix: near
        ? `did you mean ${roleLabel(near)}?`
        : "use a role code such as DAGL (Daglig leder), LEDE (Styrets leder), INNH (Innehaver) or PRIV (Privatperson), or an access package",
    };
  }
  if (role.deprecated) {
    return {
      severity: "warning",
      code: "deprecated-role",
      message: `role ${roleLabel(role)} is an Altinn 2 role, which Altinn phases out on 31.12.26 (Altinn Studio's policy editor warns about it)`,
      fix: "add the access package that replaces it to the same rule, so its users keep their access",
    };
  }
  if (!role.resourcePolicy) {
    return {
      severity: "warning",
      code: "role-not-for-policies",
      message: `Altinn does not offer role ${roleLabel(role)} for service owners' resource policies (IsResourcePolicyAvailable is false in its metadata)`,
      fix: "name an access package or a role Altinn offers for policies, such as DAGL",
    };
  }
  return undefined;
}

/** A finding about an access package, or undefined when Altinn offers it for policies. */
export function accessPackageFinding(value: string): VocabularyFinding | undefined {
  const given = value.trim();
  if (given.toLowerCase().startsWith(`${PACKAGE_URN}:`)) {
    return {
      severity: "error",
      code: "access-package-urn",
      message: `"${value}" is an access package URN, but an accessPackage subject holds its last part alone`,
      fix: `write ${given.slice(PACKAGE_URN.length + 1)}`,
    };
  }
  const entry = packagesByCode.get(given.toLowerCase());
  if (!entry) {
    const folded = fold(given);
    const byName = ACCESS_PACKAGES.accessPackages.find(
      (p) => fold(p.name) === folded || (p.nameEn !== undefined && fold(p.nameEn) === folded),
    );
    const codes = ACCESS_PACKAGES.accessPackages.map((p) => p.code);
    const near = byName ?? packagesByCode.get(closest(folded, codes) ?? "");
    return {
      severity: "error",
      code: "unknown-access-package",
      message: `"${value}" is not an access package Altinn knows (${codes.length} in vocabulary/access-packages.json, retrieved ${ACCESS_PACKAGES.retrieved}), so the rule would match nobody`,
      fix: near
        ? `did you mean ${packageLabel(near)}?`
        : "use an access package code such as ordinaer-post-til-virksomheten (Ordinær post til virksomheten)",
    };
  }
  if (!entry.resourcePolicy) {
    return {
      severity: "warning",
      code: "access-package-not-for-policies",
      message: `Altinn does not offer access package ${packageLabel(entry)} for service owners' resource policies (IsResourcePolicyAvailable is false in its metadata)`,
      fix: "choose an access package Altinn offers for policies",
    };
  }
  return undefined;
}

/** A finding about a subject attribute's value, for the attributes the catalogues cover. */
export function subjectFinding(attribute: string, value: string): VocabularyFinding | undefined {
  if (attribute === ROLE_URN) return roleFinding(value);
  if (attribute === PACKAGE_URN) return accessPackageFinding(value);
  return undefined;
}

/**
 * A finding about a Maskinporten scope of Altinn's (`altinn:...`) that is not in the catalogue
 * but close to one there: a typo, which Maskinporten would report as a scope the organisation
 * was never granted. Other unknown scopes pass (the catalogue is not complete; the
 * MaskinportenClient provider checks the organisation's access at preview).
 */
export function scopeFinding(scope: string): VocabularyFinding | undefined {
  const given = scope.trim();
  if (!given.toLowerCase().startsWith("altinn:")) return undefined;
  const known = SCOPES.scopes.map((s) => s.scope);
  if (known.includes(given)) return undefined;
  // Tighter than closest(): Altinn's scopes differ from each other by few characters too.
  const near = known.find((k) => editDistance(given.toLowerCase(), k) <= 2);
  if (!near) return undefined;
  return {
    severity: "error",
    code: "unknown-scope",
    message: `"${scope}" is not a scope Altinn's APIs ask for (vocabulary/scopes.json, retrieved ${SCOPES.retrieved})`,
    fix: `did you mean ${near}?`,
  };
}

/** Names as codes are written: lowercase, æ ø å spelled ae o a, words joined by "-". */
function fold(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/æ/g, "ae")
    .replace(/ø/g, "o")
    .replace(/å/g, "a")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
