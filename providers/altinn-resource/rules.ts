import type { CheckFailure } from "../lib/check";
import { ORG_CODE_PATTERN, ORGANIZATION_NUMBER } from "../lib/identifiers";
import { IDENTIFIER_PATTERN, LANGUAGE_CODES, STATUSES, type AltinnResourceInputs } from "./schema";

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
  if (!ORG_CODE_PATTERN.test(owner.orgcode)) {
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
  } else if (!ORGANIZATION_NUMBER.test(owner.organization)) {
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
