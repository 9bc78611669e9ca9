/**
 * Finds secret material in text that may be shown or stored: lines of a PEM private key's body,
 * the private member `d` of a JWK, and anything shaped like a JWT (access tokens and client
 * assertions are JWTs). Returns where each was found, never the secret itself.
 */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g;

export interface SecretFinding {
  where: string;
  what: string;
}

/** The base64 lines of a PEM private key: any one of them in the open is a leak. */
export function pemBodyLines(pem: string): string[] {
  return pem
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= 40 && !line.startsWith("-----"));
}

export function scanForSecrets(
  texts: Record<string, string>,
  secrets: { name: string; fragments: string[] }[],
): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const secret of secrets) {
      if (secret.fragments.some((fragment) => text.includes(fragment))) {
        findings.push({ where, what: secret.name });
      }
    }
    const jwts = text.match(JWT) ?? [];
    if (jwts.length > 0) findings.push({ where, what: `${jwts.length} JWT(s)` });
  }
  return findings;
}
