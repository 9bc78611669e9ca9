import type { CheckFailure } from "../lib/check";
import {
  ACCESS_LIST_IDENTIFIER_PATTERN,
  ORG_CODE_PATTERN,
  ORGANIZATION_NUMBER,
} from "../lib/identifiers";
import { canonicalMember } from "./mapping";
import type { AccessListInputs } from "./schema";

/** Validation beyond the schema, each failure naming the property, the bad value and the fix. */
export function validateAccessList(inputs: AccessListInputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const { owner, identifier } = inputs;
  if (ORGANIZATION_NUMBER.test(owner)) {
    failures.push({
      property: "owner",
      reason: `"${owner}" is an organisation number: an access list is owned by the service owner's org code (such as "digdir"), which Altinn requires in the path`,
    });
  } else if (!ORG_CODE_PATTERN.test(owner)) {
    failures.push({
      property: "owner",
      reason: `"${owner}" is not an Altinn org code: use the service owner's lowercase code, such as "digdir"`,
    });
  }
  if (!ACCESS_LIST_IDENTIFIER_PATTERN.test(identifier)) {
    failures.push({
      property: "identifier",
      reason: `"${identifier}" is not a valid access list identifier: use lowercase a-z, 0-9, "-" and "_", starting with a letter or digit (for example "${suggestIdentifier(identifier)}")`,
    });
  }
  if (inputs.name.trim() === "") {
    failures.push({
      property: "name",
      reason: 'the name is required: the list\'s display name, such as "Godkjente banker"',
    });
  }
  inputs.members.forEach((member, index) => {
    if (canonicalMember(member) === undefined) {
      failures.push({
        property: `members.${index}`,
        reason: `"${member}" is not a member: use an organisation number (9 digits, such as "991825827") or a party URN "urn:altinn:party:uuid:<uuid>"`,
      });
    }
  });
  const seen = new Set<string>();
  inputs.resources.forEach((connection, index) => {
    const id = connection.identifier;
    if (id.trim() === "" || /[\s/?#]/.test(id)) {
      failures.push({
        property: `resources.${index}.identifier`,
        reason: `"${id}" is not a resource identifier: use the identifier of a Resource Registry resource, such as "digdir-melding"`,
      });
    } else if (seen.has(id)) {
      failures.push({
        property: `resources.${index}.identifier`,
        reason: `resource "${id}" is connected twice: list each resource once, with all its actions in actionFilters`,
      });
    }
    seen.add(id);
    connection.actionFilters.forEach((action, actionIndex) => {
      if (action.trim() === "") {
        failures.push({
          property: `resources.${index}.actionFilters.${actionIndex}`,
          reason:
            'an action filter cannot be empty: name an action such as "read", or leave actionFilters empty to allow every action',
        });
      }
    });
  });
  return failures;
}

function suggestIdentifier(identifier: string): string {
  const cleaned = identifier
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
  return cleaned === "" ? "godkjente-banker" : cleaned;
}

/** A resource that enables access-list mode with no list locks every party out. */
export interface AccessListModeLintInput {
  resources: Array<{ identifier: string; accessListMode?: string }>;
  accessLists: Array<{
    identifier: string;
    members: unknown[];
    resources: Array<{ identifier: string }>;
  }>;
}

/** Warnings for resources with `accessListMode: Enabled` that no declared list (with members) opens. */
export function accessListModeWarnings(input: AccessListModeLintInput): string[] {
  const warnings: string[] = [];
  for (const resource of input.resources) {
    if (resource.accessListMode !== "Enabled") continue;
    const connected = input.accessLists.filter((list) =>
      list.resources.some((c) => c.identifier === resource.identifier),
    );
    if (connected.length === 0) {
      warnings.push(
        `resource ${resource.identifier} enables accessListMode but no access list in this stack is connected to it: Altinn will deny every party. Connect a list to it (accessLists[].resources), or keep accessListMode Disabled`,
      );
    } else if (connected.every((list) => list.members.length === 0)) {
      warnings.push(
        `resource ${resource.identifier} enables accessListMode but its access lists (${connected.map((l) => l.identifier).join(", ")}) have no members: Altinn will deny every party. Add the organisations that should have access`,
      );
    }
  }
  return warnings;
}
