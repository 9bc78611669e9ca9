import { ACCESS_LIST_SCOPES } from "../providers/api/access-lists";
import { EVENTS_SCOPES } from "../providers/api/events";
import { RESOURCE_WRITE_SCOPES } from "../providers/api/resource-registry";
import { isProduction, type EnvironmentName } from "../providers/lib/environments";
import { DEFAULT_SELF_SERVICE_SCOPES } from "../providers/lib/settings";
import { PLACEHOLDER } from "./placeholders";
import { environmentOf } from "./stack-values";

/**
 * The requests to Altinn and Digdir a stack needs, as ready-to-send e-mails made from its stack
 * file (`npm run requests`): the steps with no API that the preflight checks at preview
 * (providers/service-owner-preflight.ts, docs/altinn-apis.md section 8). Plain values only, so it
 * works before the stack's secrets or backend exist; placeholders are shown as what to fill in.
 */

export type Language = "nb" | "en";

interface StackFacts {
  environment: EnvironmentName;
  org: { code: string; number: string };
  /** The provisioning client's scopes: what the stack's objects need. */
  provisioningScopes: string[];
  /** altinn:* scopes of the clients the stack makes (the sending application's). */
  clientScopes: string[];
  otherClientScopes: string[];
  managesClients: boolean;
  selfServiceScopes: string[];
}

function json(values: Map<string, string>, key: string): unknown {
  const text = values.get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const list = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value) ? (value as Array<Record<string, unknown>>) : [];

/** The facts the requests need, from a stack file's plain values (stackFileValues). */
export function stackFacts(values: Map<string, string>): StackFacts {
  const org = (json(values, "org") ?? {}) as { code?: unknown; number?: unknown };
  const number = String(org.number ?? "");
  const resources = list(json(values, "resources"));
  const accessLists = list(json(values, "accessLists"));
  const subscriptions = list(json(values, "subscriptions"));
  const clients = list(json(values, "maskinportenClients"));
  const provisioning = new Set<string>();
  if (resources.length > 0) RESOURCE_WRITE_SCOPES.forEach((s) => provisioning.add(s));
  if (accessLists.length > 0 || resources.some((r) => r.accessListMode === "Enabled")) {
    ACCESS_LIST_SCOPES.forEach((s) => provisioning.add(s));
  }
  if (subscriptions.length > 0) EVENTS_SCOPES.forEach((s) => provisioning.add(s));
  const scopes = [
    ...new Set(
      clients.flatMap((c) =>
        Array.isArray(c.scopes) ? c.scopes.filter((s) => typeof s === "string") : [],
      ),
    ),
  ] as string[];
  const selfService = values.get("selfServiceScopes");
  return {
    environment: environmentOf(values),
    org: {
      code: typeof org.code === "string" ? org.code : "<org code>",
      number: PLACEHOLDER.test(number) || number === "" ? "<organisation number>" : number,
    },
    provisioningScopes: [...provisioning].sort(),
    clientScopes: scopes.filter((s) => s.startsWith("altinn:")).sort(),
    otherClientScopes: scopes.filter((s) => !s.startsWith("altinn:")).sort(),
    managesClients: clients.length > 0,
    selfServiceScopes:
      selfService && selfService.trim() !== ""
        ? selfService.trim().split(/\s+/)
        : DEFAULT_SELF_SERVICE_SCOPES,
  };
}

const ENVIRONMENT_WORDS: Record<Language, Record<EnvironmentName, string>> = {
  nb: {
    test: "tt02 (testmiljøet)",
    prod: "produksjon",
    local: "simulatoren",
  },
  en: {
    test: "tt02 (test)",
    prod: "production",
    local: "the simulator",
  },
};

const bullets = (items: string[]) => items.map((item) => `  - ${item}`).join("\n");

/** The e-mails, separated by a line of dashes; the first line of each says to whom. */
export function requestTexts(facts: StackFacts, language: Language): string {
  const { org, environment } = facts;
  const where = ENVIRONMENT_WORDS[language][environment];
  const production = isProduction(environment);
  const altinnScopes = [...new Set([...facts.provisioningScopes, ...facts.clientScopes])].sort();
  const mails: string[] = [];
  if (language === "nb") {
    mails.push(`Til: servicedesk@altinn.no
Emne: Tilgang til Altinn-scopes for ${org.code} (${org.number}) i ${where}

Hei,

${org.code} (organisasjonsnummer ${org.number}) er tjenesteeier i Altinn og setter opp Altinn
Melding (Correspondence) med infrastruktur som kode. Vi ber om at organisasjonen får tilgang til
disse scopene i ${where}:
${bullets(altinnScopes)}

Hvis ${org.code} ikke er aktivert som tjenesteeier i ${where} ennå, ber vi om at det gjøres.

Med vennlig hilsen
<navn, rolle, telefon>`);
    if (facts.managesClients) {
      mails.push(`Til: servicedesk@digdir.no
Emne: Selvbetjeningsklient (API) for ${org.code} (${org.number}) i ${where}

Hei,

${org.code} (organisasjonsnummer ${org.number}) vil administrere Maskinporten-klientene sine gjennom
selvbetjenings-API-et. Vi ber om en administrasjonsklient (selvbetjeningsklient) i ${where} med
scopene ${facts.selfServiceScopes.join(" og ")}, som autentiserer med virksomhetssertifikatet vårt
(${production ? "produksjonssertifikat" : "testsertifikat"}, organisasjonsnummer ${org.number}).

Med vennlig hilsen
<navn, rolle, telefon>`);
    }
  } else {
    mails.push(`To: servicedesk@altinn.no
Subject: Access to Altinn scopes for ${org.code} (${org.number}) in ${where}

Hello,

${org.code} (organisation number ${org.number}) is an Altinn service owner setting up Altinn
Correspondence (Melding) as infrastructure as code. Please give the organisation access to these
scopes in ${where}:
${bullets(altinnScopes)}

If ${org.code} is not yet enabled as a service owner in ${where}, please enable it.

Kind regards
<name, role, phone>`);
    if (facts.managesClients) {
      mails.push(`To: servicedesk@digdir.no
Subject: Self-service admin client (API) for ${org.code} (${org.number}) in ${where}

Hello,

${org.code} (organisation number ${org.number}) wants to manage its Maskinporten clients through
the self-service API. Please issue an admin client (selvbetjeningsklient) in ${where} with the
scopes ${facts.selfServiceScopes.join(" and ")}, authenticating with our business certificate
(${production ? "production" : "test"} virksomhetssertifikat, organisation number ${org.number}).

Kind regards
<name, role, phone>`);
    }
  }
  const notes =
    language === "nb"
      ? [
          `Uten e-post: lag provisjoneringsklienten i Samarbeidsportalen (Maskinporten, ${where}) med scopene ${facts.provisioningScopes.join(", ")}, og registrer nøkkelen dens.`,
          ...(facts.otherClientScopes.length > 0
            ? [`Scopene ${facts.otherClientScopes.join(", ")} gis av eierne deres, ikke av Altinn.`]
            : []),
        ]
      : [
          `No e-mail: make the provisioning client in Samarbeidsportalen (Maskinporten, ${where}) with the scopes ${facts.provisioningScopes.join(", ")}, and register its key.`,
          ...(facts.otherClientScopes.length > 0
            ? [
                `The scopes ${facts.otherClientScopes.join(", ")} are granted by their owners, not by Altinn.`,
              ]
            : []),
        ];
  return [...mails, notes.join("\n")].join("\n\n----------------------------------------\n\n");
}
