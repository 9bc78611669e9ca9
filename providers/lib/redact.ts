/**
 * Removes secrets from text that may reach logs, error messages or state: JWTs (access tokens and
 * client assertions), PEM blocks (private keys, certificates' keys) and the private members of a
 * JWK. Applied to every error message the HTTP layer builds, because a server may echo what it got.
 */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g;
const JWK_PRIVATE = /("(?:d|p|q|dp|dq|qi)"\s*:\s*)"[^"]*"/g;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const ASSERTION = /(assertion=)[^&\s]+/g;

/** What every pattern above starts with: text without any of it is returned after one scan. */
const ANY_SECRET = /-----BEGIN |eyJ|"(?:d|p|q|dp|dq|qi)"\s*:|bearer\s|assertion=/i;

export function redact(text: string): string {
  // The program redacts every debug message of the SDK, a few KB per resource, most with nothing
  // to remove: one scan instead of five.
  if (!ANY_SECRET.test(text)) return text;
  return text
    .replace(PEM, "[redacted key]")
    .replace(JWT, "[redacted token]")
    .replace(JWK_PRIVATE, '$1"[redacted]"')
    .replace(BEARER, "$1[redacted]")
    .replace(ASSERTION, "$1[redacted]");
}
