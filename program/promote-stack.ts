import { isMap, parseDocument } from "yaml";
import { canonicalJson } from "../providers/lib/check";
import {
  ENVIRONMENT_NAMES,
  isProduction,
  type EnvironmentName,
} from "../providers/lib/environments";
import { environmentMeant } from "./config-issues";
import { asEntries, COLLECTIONS, promoteCollection, type Entry } from "./promote-entries";
import { shown } from "./stack-values";
import { setValue, stackFileText } from "./yaml-edit";

/**
 * Promote: the setup of one stack (test) carried into another stack's file (prod), object by
 * object. What describes the service (policies, access-list modes, connections, scopes, event
 * types) comes from the source; what belongs to the target's environment is the target's and is
 * kept: titles and texts, contact points, list members, client names, client ids and keys,
 * subscription endpoints, the verification recipient, protection and every credential. Objects
 * the target declares and the source does not are kept. A new object gets the source's entry
 * without what names a party of the source environment (client ids, keys, Tenor test
 * organisations, adoption flags), each reported. `altinn-iac:include` files are shared by both
 * stacks: the source's are added to the target's, and promote does not look into them.
 */

const NS = "altinn-iac:";

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

export interface PromoteOptions {
  /** The target's environment (targetEnvironment), set when its file has none. */
  environment: EnvironmentName;
  /** Take the source's value over the target's for the environment's fields too. */
  overwriteTargetValues: boolean;
}

export interface PromoteResult {
  /** The target stack file's text. */
  text: string;
  /** What was not mapped, or needs a person's look, one sentence each with its key path. */
  unmapped: string[];
  /** Values of the target kept where the source has others, one sentence each with its key path. */
  kept: string[];
}

/**
 * The environment of the stack `name` whose file has `text`; throws, with the fix, when there is
 * no such file or when its `altinn-iac:environment` contradicts the stack's name.
 */
export function stackEnvironment(name: string, text: string | undefined): EnvironmentName {
  const file = `Pulumi.${name}.yaml`;
  if (text === undefined) {
    return refuse(
      `${file} does not exist, and promote only writes into an existing stack file: create the stack first (pulumi stack init ${name}; pulumi config set altinn-iac:environment <test or prod> --stack ${name}; then its org and credentials, as in Pulumi.prod.yaml), or name an existing stack`,
    );
  }
  const config = (parseDocument(text).toJS() as { config?: Entry } | null)?.config ?? {};
  const declared = config[`${NS}environment`];
  const implied = environmentOfName(name);
  if (declared === undefined) {
    if (implied) return implied;
    return refuse(
      `${file} has no altinn-iac:environment and its name does not say which environment it is: set it with pulumi config set altinn-iac:environment <test or prod> --stack ${name}`,
    );
  }
  if (!(ENVIRONMENT_NAMES as readonly unknown[]).includes(declared)) {
    return refuse(
      `${file}: altinn-iac:environment is ${JSON.stringify(declared)}, not one of ${ENVIRONMENT_NAMES.join(", ")}: fix it with pulumi config set altinn-iac:environment <${ENVIRONMENT_NAMES.join(" or ")}> --stack ${name}`,
    );
  }
  if (implied && implied !== declared) {
    return refuse(
      `${file} says altinn-iac:environment: ${String(declared)}, but the stack's name says ${implied}: fix the value (pulumi config set altinn-iac:environment ${implied} --stack ${name}) or use the stack that is ${String(declared)}`,
    );
  }
  return declared as EnvironmentName;
}

/**
 * The environment a stack's name says, by its words: `prod`, `digdir-prod` and `production` are
 * prod; `test`, `brg-test` and `tt02` are test. A name with a production word is production.
 */
function environmentOfName(name: string): EnvironmentName | undefined {
  const named = name.split(/[^A-Za-z0-9]+/).flatMap((word) => environmentMeant(word) ?? []);
  return named.find(isProduction) ?? named[0];
}

function refuse(message: string): never {
  throw new Error(message);
}

/** The target stack file with the setup of `source` promoted into it; comments are kept. */
export function promoteStack(
  source: string,
  target: string,
  options: PromoteOptions,
): PromoteResult {
  const from = (parseDocument(source).toJS() as { config?: Entry } | null)?.config ?? {};
  const document = parseDocument(target);
  const existing = (document.toJS() as { config?: Entry } | null)?.config ?? {};
  const unmapped: string[] = [];
  const kept: string[] = [];
  const sourceOf = (key: string) => from[`${NS}${key}`];
  const targetOf = (key: string) => existing[`${NS}${key}`];
  const set = (path: Array<string | number>, value: unknown) =>
    setValue(document, ["config", ...path], value);
  const config = document.get("config", true);
  if (isMap(config)) config.flow = false;
  else document.set("config", document.createNode({}));

  if (targetOf("environment") === undefined) set([`${NS}environment`], options.environment);
  for (const key of ["org", "preflight"]) {
    const value = sourceOf(key);
    if (value === undefined) continue;
    if (targetOf(key) === undefined) set([`${NS}${key}`], value);
    else if (canonicalJson(value) !== canonicalJson(targetOf(key))) {
      kept.push(
        `${NS}${key}: the target's ${shown(targetOf(key))} is kept; the source has ${shown(value)}`,
      );
    }
  }
  if (
    sourceOf("protect") !== undefined &&
    canonicalJson(sourceOf("protect")) !== canonicalJson(targetOf("protect"))
  ) {
    kept.push(
      `${NS}protect: not copied (the source has ${shown(sourceOf("protect"))}): the target's ${targetOf("protect") === undefined ? "default (true in prod)" : shown(targetOf("protect"))} applies`,
    );
  }
  promoteInclude(from, existing, set, unmapped);
  for (const key of COLLECTIONS) {
    const entries = sourceOf(key);
    if (!Array.isArray(entries)) continue;
    const overwrite = options.overwriteTargetValues;
    promoteCollection(key, entries as Entry[], targetOf(key), document, overwrite, unmapped, kept);
  }
  for (const [i, entry] of asEntries(sourceOf("maskinportenClientKeys")).entries()) {
    unmapped.push(
      `${NS}maskinportenClientKeys.${i}: the key set of source client ${String(entry.clientId)} is not copied: add the ${options.environment} client's entry yourself`,
    );
  }
  if (sourceOf("verification") !== undefined) {
    unmapped.push(
      `${NS}verification: not copied: it sends a real message to a recipient of the source environment; set a ${options.environment} recipient that expects it, if any`,
    );
  }
  for (const key of ENVIRONMENT_KEYS) {
    if (sourceOf(key) !== undefined && targetOf(key) === undefined) {
      unmapped.push(
        `${NS}${key}: belongs to the source environment and is not copied: set the ${options.environment} value with pulumi config set${/PrivateKey/.test(key) ? " --secret" : ""}`,
      );
    }
  }
  const text = stackFileText(document, target);
  // Untouched, the file stays byte for byte as it was (the yaml package re-renders some forms).
  const same = text === stackFileText(parseDocument(target), target);
  return { text: same ? target : text, unmapped, kept };
}

/**
 * The include: the target keeps its own files and gets the source's (shared setup), which
 * promote does not look into.
 */
function promoteInclude(
  from: Entry,
  existing: Entry,
  set: (path: Array<string | number>, value: unknown) => void,
  unmapped: string[],
): void {
  const include = from[`${NS}include`];
  const own = existing[`${NS}include`];
  if (include === undefined) {
    if (own !== undefined) {
      unmapped.push(
        `${NS}include: kept in the target, though the source includes no files: remove it if the source's own entries now declare the same objects (preview fails on duplicates)`,
      );
    }
    return;
  }
  const files = Array.isArray(include) ? include.map(String) : [String(include)];
  const ownFiles = Array.isArray(own) ? own.map(String) : own === undefined ? [] : [String(own)];
  const merged = [...ownFiles, ...files.filter((f) => !ownFiles.includes(f))];
  if (canonicalJson(merged) !== canonicalJson(own)) set([`${NS}include`], merged);
  unmapped.push(
    `${NS}include: ${files.join(", ")} are shared with the source stack, so their entries (members, adopt flags, client ids, endpoints, texts) apply to the target unchanged: keep what differs between environments in the stack files`,
  );
  const extra = ownFiles.filter((f) => !files.includes(f));
  if (extra.length > 0) {
    unmapped.push(
      `${NS}include: the target's own ${extra.join(", ")} are kept next to the source's: remove what both declare (preview fails on duplicates)`,
    );
  }
  for (const key of COLLECTIONS) {
    if (from[`${NS}${key}`] === undefined && existing[`${NS}${key}`] !== undefined) {
      unmapped.push(
        `${NS}${key}: the target's own entries are kept next to those of ${files.join(", ")}: remove the ones the included files declare too (preview fails on duplicates)`,
      );
    }
  }
}
