/**
 * `npm run vocabulary -- refresh`: rewrites the catalogues in this directory from Altinn's access
 * management metadata API (anonymous GETs, altinn-authorization-tmp
 * src/apps/Altinn.AccessManagement/src/Altinn.AccessManagement.Api.Metadata/Controllers/
 * RolesController.cs and PackagesController.cs). The Altinn 2 roles Altinn Studio marks deprecated
 * are not in the API and are kept from the current catalogue. Nothing is written unless both
 * answers were read.
 */
import { writeFileSync } from "node:fs";
import { parseCommandLine, printHelp, runCommand, runMain, usageError } from "../cli/command";
import { join } from "node:path";
import {
  ACCESS_PACKAGES,
  ROLES,
  type AccessPackageEntry,
  type AccessPackagesCatalogue,
  type RoleEntry,
  type RolesCatalogue,
} from "./index";

export const VOCABULARY_HELP = `usage: npm run vocabulary -- refresh [--env prod|test] [--url <origin>] [--out <dir>] [--dry-run]

Renews the role and access package catalogues that preview checks policies against
(vocabulary/roles.json and vocabulary/access-packages.json; docs/vocabulary.md).

reads   GET <origin>/accessmanagement/api/v1/meta/info/roles/ and
        GET <origin>/accessmanagement/api/v1/meta/info/accesspackages/export
        (anonymous; in Norwegian bokmål and English), and the current catalogues
writes  roles.json and access-packages.json in --out (default: the package's vocabulary/);
        with --dry-run, nothing: prints what would change
options --env prod|test   the Altinn platform to ask (default prod: https://platform.altinn.no;
                          test: https://platform.tt02.altinn.no)
        --url <origin>    ask another origin (a mirror, or a test server)
exits   0 when the catalogues were read (and written), 1 when Altinn could not be reached or
        answered something else (the catalogues stay as they are), 2 on a bad command line`;

const PLATFORMS: Readonly<Record<string, string>> = {
  prod: "https://platform.altinn.no",
  test: "https://platform.tt02.altinn.no",
};

const ROLES_PATH = "/accessmanagement/api/v1/meta/info/roles/";
const PACKAGES_PATH = "/accessmanagement/api/v1/meta/info/accesspackages/export";

/** RoleDto of altinn-authorization-tmp Altinn.Authorization.Api.Contracts (the fields read). */
interface RoleDto {
  name?: string;
  code?: string;
  urn?: string;
  legacyRoleCode?: string | null;
  legacyUrn?: string | null;
  isResourcePolicyAvailable?: boolean;
  provider?: { code?: string; name?: string } | null;
}

/** AreaGroupDto > AreaDto > PackageDto (the fields read). */
interface AreaGroupDto {
  areas?: Array<{
    name?: string;
    packages?: Array<{ name?: string; urn?: string; isResourcePolicyAvailable?: boolean }>;
  }>;
}

export class RefreshError extends Error {}

async function getJson<T>(origin: string, path: string, language: string): Promise<T> {
  const url = `${origin.replace(/\/+$/, "")}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: "application/json", "accept-language": language },
      signal: AbortSignal.timeout(20_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new RefreshError(
      `could not reach ${url} (${cause?.code ?? cause?.message ?? (error as Error).message})`,
    );
  }
  if (!response.ok) throw new RefreshError(`${url} answered ${response.status}`);
  try {
    return (await response.json()) as T;
  } catch {
    throw new RefreshError(`${url} did not answer JSON`);
  }
}

/** The role catalogue from the API's answers, keeping the deprecated Altinn 2 roles. */
export function rolesFrom(
  nb: RoleDto[],
  en: RoleDto[],
  current: RolesCatalogue,
  origin: string,
  today: string,
): RolesCatalogue {
  const code = (dto: RoleDto) => {
    const legacy =
      dto.legacyRoleCode ?? /^urn:altinn:rolecode:(.+)$/i.exec(dto.legacyUrn ?? dto.urn ?? "")?.[1];
    return legacy ? legacy.toUpperCase() : undefined;
  };
  const english = new Map(en.map((dto) => [code(dto), dto.name]));
  const deprecated = new Map(current.roles.filter((r) => r.deprecated).map((r) => [r.code, r]));
  const roles = new Map<string, RoleEntry>();
  for (const dto of nb) {
    const key = code(dto);
    if (!key || roles.has(key)) continue;
    const nameEn = english.get(key);
    roles.set(key, {
      code: key,
      name: dto.name ?? key,
      ...(nameEn && nameEn !== dto.name ? { nameEn } : {}),
      provider: dto.provider?.code ?? dto.provider?.name ?? "unknown",
      resourcePolicy: dto.isResourcePolicyAvailable === true,
      ...(deprecated.has(key) ? { deprecated: true } : {}),
    });
  }
  for (const [key, role] of deprecated) if (!roles.has(key)) roles.set(key, role);
  return {
    ...current,
    retrieved: today,
    sources: [
      {
        url: `${origin}${ROLES_PATH}`,
        read: "legacyRoleCode (or the urn:altinn:rolecode URN), name (nb and en), provider.code, isResourcePolicyAvailable",
      },
      ...current.sources.filter((s) => s.repository === "Altinn/altinn-studio"),
    ],
    roles: [...roles.values()].sort((a, b) => a.code.localeCompare(b.code)),
  };
}

/** The access package catalogue from the API's answers. */
export function packagesFrom(
  nb: AreaGroupDto[],
  en: AreaGroupDto[],
  current: AccessPackagesCatalogue,
  origin: string,
  today: string,
): AccessPackagesCatalogue {
  const flat = (groups: AreaGroupDto[]) =>
    groups.flatMap((group) =>
      (group.areas ?? []).flatMap((area) =>
        (area.packages ?? []).map((p) => ({ area: area.name, ...p })),
      ),
    );
  const english = new Map(flat(en).map((p) => [p.urn, p.name]));
  const packages = new Map<string, AccessPackageEntry>();
  for (const p of flat(nb)) {
    const code = /^urn:altinn:accesspackage:(.+)$/.exec(p.urn ?? "")?.[1];
    if (!code || packages.has(code)) continue;
    const nameEn = english.get(p.urn);
    packages.set(code, {
      code,
      name: p.name ?? code,
      ...(nameEn ? { nameEn } : {}),
      ...(p.area ? { area: p.area } : {}),
      resourcePolicy: p.isResourcePolicyAvailable === true,
    });
  }
  return {
    ...current,
    retrieved: today,
    sources: [
      {
        url: `${origin}${PACKAGES_PATH}`,
        read: "urn, name (nb and en), the area's name, isResourcePolicyAvailable",
      },
    ],
    accessPackages: [...packages.values()].sort((a, b) => a.code.localeCompare(b.code)),
  };
}

export interface RefreshOptions {
  origin: string;
  out: string;
  dryRun: boolean;
  today?: string;
}

/** Reads both catalogues from the API, then writes them; returns what changed, in words. */
export async function refreshVocabulary(options: RefreshOptions): Promise<string[]> {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const [rolesNb, rolesEn, groupsNb, groupsEn] = await Promise.all([
    getJson<RoleDto[]>(options.origin, ROLES_PATH, "nb"),
    getJson<RoleDto[]>(options.origin, ROLES_PATH, "en"),
    getJson<AreaGroupDto[]>(options.origin, PACKAGES_PATH, "nb"),
    getJson<AreaGroupDto[]>(options.origin, PACKAGES_PATH, "en"),
  ]);
  if (!Array.isArray(rolesNb) || !Array.isArray(groupsNb)) {
    throw new RefreshError("the metadata API answered something other than lists");
  }
  const roles = rolesFrom(rolesNb, rolesEn ?? [], ROLES, options.origin, today);
  const packages = packagesFrom(groupsNb, groupsEn ?? [], ACCESS_PACKAGES, options.origin, today);
  if (roles.roles.length === 0 || packages.accessPackages.length === 0) {
    throw new RefreshError("the metadata API listed no roles or no access packages");
  }
  const changes = [
    ...difference(
      "role",
      ROLES.roles.map((r) => r.code),
      roles.roles.map((r) => r.code),
    ),
    ...difference(
      "access package",
      ACCESS_PACKAGES.accessPackages.map((p) => p.code),
      packages.accessPackages.map((p) => p.code),
    ),
  ];
  if (!options.dryRun) {
    writeFileSync(join(options.out, "roles.json"), `${JSON.stringify(roles, null, 2)}\n`);
    writeFileSync(
      join(options.out, "access-packages.json"),
      `${JSON.stringify(packages, null, 2)}\n`,
    );
  }
  return changes;
}

function difference(what: string, before: string[], after: string[]): string[] {
  const added = after.filter((c) => !before.includes(c));
  const removed = before.filter((c) => !after.includes(c));
  return [
    ...added.map((c) => `new ${what}: ${c}`),
    ...removed.map((c) => `${what} no longer listed: ${c}`),
  ];
}

const REFRESH_COMMAND_LINE = {
  options: { env: "string", url: "string", out: "string", "dry-run": "boolean" },
  positionals: true,
  usage: `\n${VOCABULARY_HELP}`,
} as const;

/** What to refresh from where, from the command line; throws a usage error. */
function refreshOptions(argv: string[]): RefreshOptions | "help" {
  const parsed = parseCommandLine(REFRESH_COMMAND_LINE, argv);
  if (parsed === "help") return "help";
  const [command, ...extra] = parsed.positionals;
  if (command !== "refresh") {
    throw usageError(REFRESH_COMMAND_LINE, command ? `unknown command ${command}` : "no command");
  }
  if (extra.length > 0) throw usageError(REFRESH_COMMAND_LINE, `unexpected ${extra.join(" ")}`);
  const { env, url, out = __dirname } = parsed.options;
  const platform = env === undefined ? PLATFORMS.prod : PLATFORMS[env];
  if (!platform) throw usageError(REFRESH_COMMAND_LINE, `--env is prod or test, not ${env}`);
  return { origin: url ?? platform, out, dryRun: parsed.options["dry-run"] === true };
}

export function main(argv: string[]): Promise<number> {
  return runCommand(refresh, argv);
}

async function refresh(argv: string[]): Promise<number> {
  const options = refreshOptions(argv);
  if (options === "help") return printHelp(VOCABULARY_HELP);
  try {
    const changes = await refreshVocabulary(options);
    const verb = options.dryRun ? "would be written" : `written to ${options.out}`;
    console.log(
      `vocabulary: roles and access packages read from ${options.origin}, ${verb}${changes.length ? `:\n  ${changes.join("\n  ")}` : " (no code added or removed)"}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof RefreshError)) throw error;
    console.error(
      `vocabulary: ${error.message}; the catalogues stay as they are (roles retrieved ${ROLES.retrieved}, access packages retrieved ${ACCESS_PACKAGES.retrieved}). Run this where the network reaches Altinn, or name a reachable origin with --url.`,
    );
    return 1;
  }
}

if (require.main === module) runMain(refresh);
