import { parseDocument } from "yaml";

/**
 * Promote: the prod stack config derived from the test one. The setup (resources, policies,
 * access lists, clients, subscriptions) is the same in both environments; what names an object or
 * a party of one environment is not, and is reported instead of guessed: client ids and keys
 * (another client in prod), test organisations (Tenor's synthetic numbers do not exist in prod),
 * subscription endpoints, the verification recipient, texts that say "test", and every credential.
 * Adoption flags are dropped: adopting in test says nothing about what exists in prod (run
 * `npm run export` against the prod stack for that). `altinn-iac:include` is carried over as it is:
 * the included files are the setup both stacks share, so promote reports them instead of reading
 * them.
 */

const NS = "altinn-iac:";

/** The setup keys promote derives; every other key of the target (credentials) is kept. */
export const SETUP_KEYS = [
  "org",
  "protect",
  "preflight",
  "include",
  "resources",
  "accessLists",
  "maskinportenClients",
  "maskinportenClientKeys",
  "subscriptions",
  "verification",
] as const;

/** Keys of one environment only: never copied, each reported when the target lacks it. */
const ENVIRONMENT_KEYS = [
  "maskinportenClientId",
  "maskinportenKeyId",
  "maskinportenPrivateKey",
  "selfServiceClientId",
  "selfServiceKeyId",
  "selfServiceCertificate",
  "selfServicePrivateKey",
  "simulatorUrl",
  "endpoints",
  "clockOffsetSeconds",
] as const;

/** Norwegian organisation numbers start with 8 or 9; Tenor's synthetic test ones do not. */
const PRODUCTION_ORGNR = /^[89]\d{8}$/;
const TEST_WORDING = /\b(test|tt02|staging)\b/i;

export interface PromoteResult {
  /** The target stack file's text. */
  text: string;
  /** What was not mapped, or needs a person's look, one sentence each with its key path. */
  unmapped: string[];
}

type Entry = Record<string, unknown>;

/**
 * The target stack file (`target`, or a new one) with the setup of `source` promoted to
 * `environment`; comments, secrets and credentials of the target are kept.
 */
export function promoteStack(
  source: string,
  target: string | undefined,
  environment: "prod" | "test" = "prod",
): PromoteResult {
  const from = (parseDocument(source).toJS() as { config?: Entry }).config ?? {};
  const document = parseDocument(target ?? "config: {}\n");
  const existing = (document.toJS() as { config?: Entry }).config ?? {};
  const unmapped: string[] = [];
  const set = (key: string, value: unknown) => document.setIn(["config", `${NS}${key}`], value);

  set("environment", environment);
  for (const key of SETUP_KEYS) {
    const value = from[`${NS}${key}`];
    if (value === undefined) continue;
    const mapped = promoteKey(key, structuredClone(value), unmapped);
    if (mapped === undefined) {
      document.deleteIn(["config", `${NS}${key}`]);
    } else {
      set(key, mapped);
    }
  }
  unmapped.push(...includeNotes(from, existing));
  for (const key of ENVIRONMENT_KEYS) {
    if (from[`${NS}${key}`] !== undefined && existing[`${NS}${key}`] === undefined) {
      unmapped.push(
        `${NS}${key}: belongs to the source environment and is not copied: set the ${environment} value with pulumi config set${/PrivateKey/.test(key) ? " --secret" : ""}`,
      );
    }
  }
  return { text: document.toString({ lineWidth: 0 }), unmapped };
}

function promoteKey(key: string, value: unknown, unmapped: string[]): unknown {
  const list = Array.isArray(value) ? (value as Entry[]) : [];
  switch (key) {
    case "resources":
      return list.map((resource, i) => {
        const path = `${NS}resources.${i}`;
        dropAdopt(resource, path, unmapped);
        for (const [field, text] of texts(resource)) {
          if (TEST_WORDING.test(text)) {
            unmapped.push(
              `${path}.${field}: "${text}" mentions a test environment: kept as it is, reword it for production`,
            );
          }
        }
        return resource;
      });
    case "accessLists":
      return list.map((accessList, i) => {
        const path = `${NS}accessLists.${i}`;
        dropAdopt(accessList, path, unmapped);
        const members = (accessList.members as unknown[] | undefined) ?? [];
        const kept = members.filter((m) => PRODUCTION_ORGNR.test(String(m)));
        const dropped = members.filter((m) => !kept.includes(m));
        if (dropped.length > 0) {
          unmapped.push(
            `${path}.members: ${dropped.join(", ")} left out: not production organisation numbers (Tenor test organisations, or party uuids of the test environment); add the production members`,
          );
        }
        return { ...accessList, members: kept };
      });
    case "maskinportenClients":
      return list.map((client, i) => {
        const path = `${NS}maskinportenClients.${i}`;
        if (client.clientId !== undefined) {
          unmapped.push(
            `${path}.clientId: ${String(client.clientId)} is a client of the test environment: left out, so up creates the client in production (or set the production client_id to adopt it)`,
          );
          delete client.clientId;
        }
        const key = client.key as Entry | undefined;
        if (key?.publicJwk !== undefined) {
          unmapped.push(
            `${path}.key.publicJwk: the test key is not reused in production: left out, so up generates a key (or bring the production public key)`,
          );
          delete key.publicJwk;
        }
        return client;
      });
    case "maskinportenClientKeys":
      for (const [i, entry] of list.entries()) {
        unmapped.push(
          `${NS}maskinportenClientKeys.${i}: the key set of test client ${String(entry.clientId)} cannot be mapped: add the production client's entry yourself`,
        );
      }
      return undefined;
    case "subscriptions":
      return list.map((subscription, i) => {
        unmapped.push(
          `${NS}subscriptions.${i}.endPoint: "${String(subscription.endPoint)}" is kept as it is: check that it is the production receiver`,
        );
        return subscription;
      });
    case "verification":
      unmapped.push(
        `${NS}verification: left out: it sends a real message to a test recipient; set a production recipient that expects it, if any`,
      );
      return undefined;
    default:
      return value;
  }
}

/**
 * Collections an included file may hold (program/include.ts) that promote derives from the source;
 * key sets of clients made elsewhere are the target's own (promote never writes them).
 */
const DERIVED_COLLECTIONS = ["resources", "accessLists", "maskinportenClients", "subscriptions"];

/**
 * What a person must look at when either stack includes files: the shared files apply to the
 * target unchanged, the target's own entries of a collection the source keeps in files may now be
 * declared twice, and an include only the target has is kept.
 */
function includeNotes(from: Entry, existing: Entry): string[] {
  const include = from[`${NS}include`];
  if (include === undefined) {
    return existing[`${NS}include`] === undefined
      ? []
      : [
          `${NS}include: kept in the target, though the source includes no files: remove it if the source's own entries now declare the same objects (preview fails on duplicates)`,
        ];
  }
  const files = Array.isArray(include) ? include.map(String).join(", ") : JSON.stringify(include);
  return [
    `${NS}include: carried over as it is: ${files} are shared with the source stack, so their entries (members, adopt flags, client ids, endpoints, texts) apply to the target unchanged: keep what differs between environments in the stack files`,
    ...DERIVED_COLLECTIONS.filter(
      (key) => from[`${NS}${key}`] === undefined && existing[`${NS}${key}`] !== undefined,
    ).map(
      (key) =>
        `${NS}${key}: the target's own entries are kept next to those of ${files}: remove the ones the included files declare too (preview fails on duplicates)`,
    ),
  ];
}

function dropAdopt(entry: Entry, path: string, unmapped: string[]): void {
  if (entry.adopt === undefined) return;
  delete entry.adopt;
  unmapped.push(
    `${path}.adopt: dropped (adopting in test says nothing about production): run npm run export against the production stack to adopt what exists there`,
  );
}

/** The localized texts and URLs of a resource, as [path, text]. */
function texts(resource: Entry): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (const field of ["title", "description", "rightDescription"]) {
    const localized = resource[field] as Record<string, unknown> | undefined;
    for (const [language, text] of Object.entries(localized ?? {})) {
      if (typeof text === "string") result.push([`${field}.${language}`, text]);
    }
  }
  if (typeof resource.homepage === "string") result.push(["homepage", resource.homepage]);
  return result;
}
