import { CONFIG_KEYS, CREDENTIAL_ENV } from "../providers/lib/settings";

/**
 * Placeholders in a stack file: values that start with the word REPLACE (as `npm run init` and
 * the example stack files write them, such as "REPLACE: the organisation number"). Preview lists
 * each one with the command that fills it, before any remote call, instead of sending
 * "REPLACE-with-..." to Maskinporten as a client id or reading it as a private key.
 */

export const PLACEHOLDER = /^REPLACE\b/;

const NAMESPACE = "altinn-iac";

/** How each credential key is filled: the value to give, or the file to read it from. */
const CREDENTIAL_FILL: Record<string, { value?: string; file?: string; secret?: boolean }> = {
  [CONFIG_KEYS.clientId]: { value: "<client_id of the provisioning client>" },
  [CONFIG_KEYS.keyId]: { value: "<kid of its registered key>" },
  [CONFIG_KEYS.privateKey]: { file: "provisioner-key.pem", secret: true },
  [CONFIG_KEYS.selfServiceClientId]: { value: "<client_id of the self-service admin client>" },
  [CONFIG_KEYS.selfServiceCertificate]: { file: "business-certificate-chain.pem" },
  [CONFIG_KEYS.selfServicePrivateKey]: { file: "business-certificate-key.pem", secret: true },
};

/** The environment variable that may carry a credential key's value instead. */
const CREDENTIAL_ENV_OF: Record<string, string> = {
  [CONFIG_KEYS.clientId]: CREDENTIAL_ENV.clientId,
  [CONFIG_KEYS.keyId]: CREDENTIAL_ENV.keyId,
  [CONFIG_KEYS.privateKey]: CREDENTIAL_ENV.privateKey,
  [CONFIG_KEYS.selfServiceClientId]: CREDENTIAL_ENV.selfServiceClientId,
  [CONFIG_KEYS.selfServiceCertificate]: CREDENTIAL_ENV.selfServiceCertificate,
  [CONFIG_KEYS.selfServicePrivateKey]: CREDENTIAL_ENV.selfServicePrivateKey,
};

export interface Placeholder {
  /** `pulumi config set --path` form: altinn-iac:resources[0].contactPoints[0].email */
  path: string;
  value: string;
  /** The command that fills it. */
  fill: string;
}

/** Every placeholder in the stack config (values as the engine gives them: JSON or text). */
export function findPlaceholders(all: Record<string, string>, stack: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(`${NAMESPACE}:`)) continue;
    const key = fullKey.slice(NAMESPACE.length + 1);
    walk(parse(text), fullKey, (path, value) => {
      found.push({ path, value, fill: fillCommand(key, path, stack) });
    });
  }
  return found;
}

/** One problem line per placeholder, in the stack-config error's form. */
export function placeholderProblems(all: Record<string, string>, stack: string): string[] {
  return findPlaceholders(all, stack).map(
    (p) => `  ${p.path}: still the placeholder ${JSON.stringify(p.value)}: fill it with ${p.fill}`,
  );
}

function fillCommand(key: string, path: string, stack: string): string {
  const credential = path === `${NAMESPACE}:${key}` ? CREDENTIAL_FILL[key] : undefined;
  if (credential) {
    const secret = credential.secret ? " --secret" : "";
    const input = credential.file ? ` < ${credential.file}` : ` '${credential.value}'`;
    const env = CREDENTIAL_ENV_OF[key];
    return (
      `\`pulumi config set${secret} ${path} --stack ${stack}${input}\`` +
      (env ? ` (or remove the key and pass ${env} in the environment)` : "")
    );
  }
  const nested = path.includes(".") || path.includes("[");
  return `\`pulumi config set${nested ? " --path" : ""} '${path}' '<value>' --stack ${stack}\` (or edit Pulumi.${stack}.yaml)`;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function walk(value: unknown, path: string, visit: (path: string, value: string) => void): void {
  if (typeof value === "string") {
    if (PLACEHOLDER.test(value)) visit(path, value);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, `${path}[${index}]`, visit));
  } else if (value && typeof value === "object") {
    for (const [member, item] of Object.entries(value)) {
      walk(
        item,
        /^[A-Za-z_][\w-]*$/.test(member) ? `${path}.${member}` : `${path}["${member}"]`,
        visit,
      );
    }
  }
}
