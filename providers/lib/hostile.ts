import { domainToUnicode } from "node:url";
import type { CheckFailure } from "./types";

/**
 * Values a stack file can carry that no API refuses but that mislead a reader or the program:
 * property names that are JavaScript's own (`__proto__` turns an object into another's child),
 * characters that hide or reorder text (NUL, U+202E), hosts whose letters come from two scripts
 * (a Cyrillic "а" in a Latin name), and, on the local stack, the simulator's admin API.
 * See docs/security.md.
 */

/** Names JavaScript objects give a meaning of their own: never property names or object names. */
export const RESERVED_NAMES: readonly string[] = ["__proto__", "constructor", "prototype"];

export function isReservedName(name: string): boolean {
  return RESERVED_NAMES.includes(name);
}

/**
 * Controls other than tab and line breaks, C1 controls, bidi embeddings, overrides, isolates and
 * marks, and lone surrogates (which no API can carry as UTF-8).
 */
const UNSAFE_CHARACTER =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/** Why a text cannot be sent, naming the first unsafe character by its code point. */
export function unsafeTextProblem(value: string): string | undefined {
  const found = UNSAFE_CHARACTER.exec(value);
  if (!found) return undefined;
  const code = `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  const kind = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(found[0])
    ? "a bidirectional control character, which reorders how the text is shown"
    : /[\ud800-\udfff]/.test(found[0])
      ? "half of a surrogate pair, which is not text"
      : "a control character, which is invisible or cuts the text short";
  return `contains ${code} at position ${found.index}, ${kind}: remove it (type the text again, or paste it through a plain-text editor)`;
}

/**
 * Reserved property names and unsafe characters anywhere in a value, by property path. Object
 * keys are checked for unsafe characters too (they are shown in diffs and errors).
 */
export function hostileValues(raw: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const walk = (value: unknown, path: string[]): void => {
    if (typeof value === "string") {
      const problem = unsafeTextProblem(value);
      if (problem) failures.push({ property: path.join("."), reason: problem });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...path, String(index)]));
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        const at = [...path, key];
        if (isReservedName(key)) {
          failures.push({
            property: at.join("."),
            reason: `"${key}" is not a property: JavaScript gives it a meaning of its own (${key === "__proto__" ? "it would make the object inherit its content" : "it names the object's class"}), so no object of this setup has it: remove it`,
          });
          continue;
        }
        const keyProblem = unsafeTextProblem(key);
        if (keyProblem) failures.push({ property: at.join("."), reason: `the name ${keyProblem}` });
        else walk(item, at);
      }
    }
  };
  for (const [key, value] of Object.entries(raw)) walk(value, [key]);
  return failures;
}

/** Scripts a host name's letters are sorted into; letters of none of them count as "other". */
const SCRIPTS = [
  "Latin",
  "Cyrillic",
  "Greek",
  "Armenian",
  "Georgian",
  "Hebrew",
  "Arabic",
  "Cherokee",
  "Han",
  "Hiragana",
  "Katakana",
  "Hangul",
  "Thai",
  "Devanagari",
] as const;
const SCRIPT_PATTERNS = SCRIPTS.map(
  (script) => [script, new RegExp(`\\p{Script=${script}}`, "u")] as const,
);

function scriptsOf(label: string): Set<string> {
  const scripts = new Set<string>();
  for (const character of label) {
    if (!/\p{L}/u.test(character)) continue;
    scripts.add(SCRIPT_PATTERNS.find(([, pattern]) => pattern.test(character))?.[0] ?? "other");
  }
  return scripts;
}

export interface HostFinding {
  /** The host mixes scripts in one label: refused. */
  problem?: string;
  /** The host is an international name in one non-Latin script: shown in punycode to review. */
  warning?: string;
}

/**
 * An IDN homograph check of a URL's host, as browsers do before they show a name in Unicode: a
 * label that mixes scripts (Latin "paypal" with a Cyrillic "а") is refused; a name wholly in a
 * non-Latin script is allowed with a warning that shows the punycode the request goes to.
 */
export function hostFinding(value: string): HostFinding {
  let hostname: string;
  try {
    hostname = new URL(value).hostname;
  } catch {
    return {};
  }
  if (!hostname.split(".").some((label) => label.startsWith("xn--"))) return {};
  const unicode = domainToUnicode(hostname);
  const mixed = unicode.split(".").find((label) => scriptsOf(label).size > 1);
  if (mixed !== undefined) {
    return {
      problem: `the host "${unicode}" (${hostname}) mixes ${[...scriptsOf(mixed)].join(" and ")} letters in "${mixed}", the mark of a look-alike name: write the host in one script, as its owner registered it`,
    };
  }
  const scripts = new Set(unicode.split(".").flatMap((label) => [...scriptsOf(label)]));
  scripts.delete("Latin");
  if (scripts.size === 0) return {};
  return {
    warning: `the host "${unicode}" is an international name with ${[...scripts].join(" and ")} letters; requests go to ${hostname}: make sure that is the host you mean (look-alike names copy Latin ones)`,
  };
}

/**
 * The simulator's admin API (`/__admin/...`: reset, faults, clock) on a loopback host, which an
 * endpoint of the local stack must never call: Events would POST events into it.
 */
export function simulatorAdminProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape stays as written; the simulator does not decode it either.
  }
  if (!/(^|\/)__admin(\/|$)/i.test(path)) return undefined;
  return `${url.origin}${url.pathname} is the simulator's admin API (reset, faults, clock), which a stack never calls: use the demo receiver ${url.origin}/webhooks/<name> or your own endpoint`;
}
