/**
 * Checks of single values in a policy's rules: attributes Altinn supplies (or a typo of one),
 * placeholders and stray spaces that never match, and typed comparisons the PDP treats apart.
 */
import { closest, type Finding } from "./findings";
import { DATA_TYPE, parseInt32, type AttributeMatch } from "./model";

/** Text left for the author to fill in; Altinn compares it literally. */
export const PLACEHOLDER = /\[[^\]]*\]|\{[^}]*\}|<[^>]*>|^\s*(todo|tbd|xxx+|changeme)\s*$/i;

export type Report = (
  severity: Finding["severity"],
  code: string,
  message: string,
  fix: string,
) => void;

export function checkAttribute(
  attribute: string,
  kind: string,
  known: readonly string[],
  report: Report,
) {
  if (known.includes(attribute)) return;
  const suggestion = closest(attribute, known);
  if (suggestion) {
    report(
      "error",
      "misspelled-attribute",
      `the ${kind} attribute "${attribute}" is not one Altinn supplies, so the rule never matches`,
      `did you mean "${suggestion}"?`,
    );
  } else {
    report(
      "warning",
      "unknown-attribute",
      `the ${kind} attribute "${attribute}" is not one altinn-iac knows Altinn to supply; if the PDP does not, the rule never matches`,
      `use one of ${known.join(", ")}`,
    );
  }
}

/**
 * Typed values: Altinn's PDP compares data types before values (ABAC XacmlMatch.IsMatch), and its
 * PEP sends every subject and resource attribute as a string (PEP DecisionHelper DefaultType), so
 * an integer matches only a caller that sends the attribute typed integer. integer-equal reads
 * both sides with int.TryParse (AttributeMatcher.MatchInteger).
 */
export function checkComparison(
  match: AttributeMatch,
  what: string,
  report: (message: string, fix: string) => void,
): void {
  if (match.dataType === "integer") {
    report(
      `${what} is typed integer: Altinn's PDP matches it only when the request sends the attribute as an integer too (Altinn's PEP sends strings), so other callers never match it`,
      `keep it if the caller sends an integer (Skatteetaten's token exchange does); otherwise use DataType="${DATA_TYPE.string}"`,
    );
  }
  if (match.match === "integerEqual" && parseInt32(match.value) === undefined) {
    report(
      `${what} is compared with integer-equal but is not a 32-bit integer, so the PDP never matches it`,
      "write a whole number, or compare it as a string",
    );
  }
}

export function checkValue(
  value: string,
  what: string,
  report: (code: string, message: string, fix: string) => void,
): void {
  if (PLACEHOLDER.test(value)) {
    report(
      "placeholder",
      `${what} holds the placeholder ${JSON.stringify(value)}; Altinn compares it literally, so the rule never matches (Altinn Studio left "[org]" in policies, altinn-studio#18044)`,
      "write the real value, such as the org code",
    );
  } else if (value !== value.trim()) {
    report(
      "whitespace",
      `${what} has spaces around ${JSON.stringify(value)}; Altinn compares the whole text, so the rule never matches`,
      `write ${JSON.stringify(value.trim())}`,
    );
  }
}
