import { editDistance } from "../../policies/findings";
import type { ScopeAccess } from "../api/self-service";
import type { CheckFailure } from "../lib/check";
import { environmentProperties, type EnvironmentName } from "../lib/environments";

/**
 * The scopes of `requested` that the org may not use, with the fix: Altinn grants the altinn:*
 * scopes through servicedesk@altinn.no, other scopes' owners grant theirs. Empty when all are
 * APPROVED.
 */
export function scopeAccessFailures(
  requested: readonly string[],
  access: readonly ScopeAccess[],
  environment: EnvironmentName,
): CheckFailure[] {
  const missing = requested.filter(
    (scope) => !access.some((a) => a.scope === scope && a.state === "APPROVED"),
  );
  if (missing.length === 0) return [];
  const orgnr = access[0]?.consumer_orgno;
  const org = orgnr ? `organisation ${orgnr}` : "your organisation";
  const approved = access.filter((a) => a.state === "APPROVED").map((a) => a.scope);
  const described = missing.map((scope) => {
    const state = access.find((a) => a.scope === scope)?.state;
    // A typo of a scope the organisation has reads as "not requested": say which one it meant.
    const near =
      state === undefined ? approved.find((a) => editDistance(scope, a) <= 2) : undefined;
    return `${scope} (${state === undefined ? `not requested${near ? `: did you mean ${near}, which it has?` : ""}` : state === "REQUESTED" ? "requested, not yet approved" : "DENIED"})`;
  });
  const altinn = missing.filter((s) => s.startsWith("altinn:"));
  const others = missing.filter((s) => !s.startsWith("altinn:"));
  const asks: string[] = [];
  if (altinn.length > 0) {
    asks.push(
      `ask servicedesk@altinn.no to grant ${org} access to ${listed(altinn)} in ${environmentProperties(environment).description}`,
    );
  }
  if (others.length > 0) {
    asks.push(`ask the owner of ${listed(others)} to grant ${org} access`);
  }
  const local =
    environment === "local"
      ? ` (in the local simulator: POST /__admin/scope-grants {"orgnr":"${orgnr ?? "<orgnr>"}","scopes":${JSON.stringify(missing)}})`
      : "";
  return [
    {
      property: "scopes",
      reason: `${org} has no APPROVED access to ${listed(described)}: ${asks.join("; ")}${local}, then run pulumi preview again`,
    },
  ];
}

function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
