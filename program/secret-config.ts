import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, CREDENTIAL_ENV } from "../providers/lib/settings";

/**
 * Private keys in plain stack config. The engine gives the whole stack config to the dynamic
 * provider as the inputs of its default provider, which state keeps: a secret value is encrypted
 * there as in the stack file, a plain one is not. So a private key is refused unless it was set
 * with `pulumi config set --secret` (or comes from the environment, which state never sees).
 * See docs/security.md.
 */

const NAMESPACE = "altinn-iac";

/** Keys that hold a private key whatever their value looks like, with a file name for the fix. */
const PRIVATE_KEY_CONFIG: ReadonlyMap<string, string> = new Map([
  [`${NAMESPACE}:${CONFIG_KEYS.privateKey}`, "provisioner-key.pem"],
  [`${NAMESPACE}:${CONFIG_KEYS.selfServicePrivateKey}`, "business-certificate-key.pem"],
]);

/** The environment variable that may carry a config key's credential instead. */
const ENV_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(CREDENTIAL_ENV).map(([name, env]) => [
    `${NAMESPACE}:${CONFIG_KEYS[name as keyof typeof CREDENTIAL_ENV]}`,
    env,
  ]),
);

const PRIVATE_KEY_PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];

/**
 * Whether the engine passed `key` as a secret (`pulumi config set --secret`). The language host
 * lists the secret keys in PULUMI_CONFIG_SECRET_KEYS; the SDK reads it in `isConfigSecret`, which
 * it does not declare in its types.
 */
export function isSecretConfig(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  if (typeof runtime.isConfigSecret === "function") return runtime.isConfigSecret(key);
  const listed: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS || "[]");
  return Array.isArray(listed) && listed.includes(key);
}

/**
 * One line per config value that holds a private key but is not secret, naming the key and the
 * command that fixes it; never the value.
 */
export function plainCredentials(
  all: Record<string, string>,
  isSecret: (key: string) => boolean,
): string[] {
  const problems: string[] = [];
  for (const [key, text] of Object.entries(all)) {
    if (isSecret(key) || text === "") continue;
    const named = PRIVATE_KEY_CONFIG.get(key);
    const nested = named ? undefined : privateKeyAt(parse(text), []);
    if (!named && nested === undefined) continue;
    if (nested !== undefined && nested.length > 0) {
      problems.push(
        `${[key, ...nested].join(".")}: holds a private key in plain config, which the stack file and the state keep readable: register only the public key (a JWK without d, p, q, dp, dq, qi), and keep private keys in secret config (pulumi config set --secret)`,
      );
      continue;
    }
    const env = ENV_OF.get(key);
    problems.push(
      `${key}: holds a private key in plain config, which the stack file and the state keep readable: store it encrypted with \`pulumi config set --secret ${key} < ${named ?? "key.pem"}\`${env ? ` or pass it in the environment variable ${env}` : ""}, and replace the key if this stack file was ever shared`,
    );
  }
  return problems;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The path of the first private key (PEM block or private JWK) in a value, if any. */
function privateKeyAt(value: unknown, path: string[]): string[] | undefined {
  if (typeof value === "string") return PRIVATE_KEY_PEM.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = privateKeyAt(item, [...path, String(index)]);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === "object") {
    const members = value as Record<string, unknown>;
    if (
      typeof members.kty === "string" &&
      PRIVATE_JWK_MEMBERS.some((m) => Object.hasOwn(members, m))
    ) {
      return path;
    }
    for (const [key, item] of Object.entries(members)) {
      const found = privateKeyAt(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
