import fc from "fast-check";
import { XMLParser } from "fast-xml-parser";
import { buildPolicyXml } from "../../policies/build";
import { parsePolicyModel, type Policy, type Rule, type SubjectMatch } from "../../policies/model";
import { normalizePolicy, samePolicy, type NormalizedPolicy } from "../../policies/normalize";
import { parsePolicy } from "../../policies/parse";
import { policyArbitrary } from "../support/policy-arbitraries";

/**
 * Two policies with the same meaning normalize to the same form, whatever their rule order,
 * grouping, duplicates, descriptions, XML layout or the case of values compared ignoring case; and
 * a change of meaning changes the form. Properties over generated policies.
 */

const RESOURCE = "digdir-melding";
const RUNS = { numRuns: 200 };

const normal = (policy: Policy) => normalizePolicy(policy, RESOURCE);

/** Random permutations driven by fast-check, so a failure shrinks and replays. */
function shuffled<T>(items: T[], keys: number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i % Math.max(keys.length, 1)] ?? 0, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map(({ item }) => item);
}

const keys = fc.array(fc.integer(), { minLength: 1, maxLength: 8 });

/**
 * Each character in the other case where it has a plain one-to-one case pair (A/a, Æ/æ, Σ/σ);
 * characters whose case mapping expands (ß, ᾀ) are left alone, as .NET's simple mapping does.
 */
function caseFlipped(value: string, upper: boolean): string {
  return [...value]
    .map((c) => {
      const [u, l] = [c.toUpperCase(), c.toLowerCase()];
      const pair = [...u].length === 1 && [...l].length === 1 && l.toUpperCase() === u;
      return pair ? (upper ? u : l) : c;
    })
    .join("");
}

/** The same subject with the case of its ignore-case values changed. */
function flipSubjectCase(subject: Rule["subjects"][number], upper: boolean) {
  const flip = (part: SubjectMatch): SubjectMatch => {
    if (part.match === "exact") return part;
    if ("role" in part) return { role: caseFlipped(part.role, upper) };
    if ("accessPackage" in part) return { accessPackage: caseFlipped(part.accessPackage, upper) };
    if ("org" in part) return { org: caseFlipped(part.org, upper) };
    return { attribute: part.attribute, value: caseFlipped(part.value, upper) };
  };
  return "allOf" in subject ? { allOf: subject.allOf.map(flip) } : flip(subject);
}

/** A policy rebuilt from its normal form: one rule per grant. */
function fromNormal(normalized: NormalizedPolicy): Policy {
  return parsePolicyModel({
    rules: normalized.grants.map((grant) => ({
      effect: grant.effect,
      subjects: [
        {
          allOf: grant.subject.map((m) => ({
            attribute: m.attribute,
            value: m.value,
            ...(m.match === "exact" ? { match: "exact" } : {}),
          })),
        },
      ].map((s) => (s.allOf.length === 1 ? s.allOf[0]! : s)),
      actions: [
        grant.action.match === "ignoreCase"
          ? { action: grant.action.value, match: "ignoreCase" }
          : grant.action.value,
      ],
      resources: [
        grant.resource.map((m) => ({
          attribute: m.attribute,
          value: m.value,
          ...(m.match === "ignoreCase" ? { match: "ignoreCase" } : {}),
        })),
      ],
    })),
    ...(normalized.authenticationLevel !== null
      ? { authenticationLevel: normalized.authenticationLevel }
      : {}),
    ...(normalized.authenticationLevelOrg !== null
      ? { authenticationLevelOrg: normalized.authenticationLevelOrg }
      : {}),
    ruleCombiningAlgorithm: normalized.ruleCombiningAlgorithm,
  });
}

/**
 * The same XML written differently: another prefix (or the default namespace), attributes in
 * another order, other indentation and line breaks.
 */
function rewritten(
  xml: string,
  choices: { prefix: string; keys: number[]; indent: string },
): string {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: "",
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
  });
  type Node = Record<string, unknown> & { ":@"?: Record<string, string> };
  const escape = (value: string) =>
    value
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/"/g, "&quot;")
      .replace(/\r/g, "&#13;");
  const write = (node: Node, depth: number): string => {
    const name = Object.keys(node).find((k) => k !== ":@")!;
    if (name === "#text") return escape(node["#text"] as string);
    const local = name.replace(/^xacml:/, "");
    const qname = choices.prefix ? `${choices.prefix}:${local}` : local;
    const attrs = Object.entries(node[":@"] ?? {}).filter(([key]) => !key.startsWith("xmlns"));
    if (depth === 0) {
      attrs.push([
        choices.prefix ? `xmlns:${choices.prefix}` : "xmlns",
        "urn:oasis:names:tc:xacml:3.0:core:schema:wd-17",
      ]);
    }
    const attributeText = shuffled(attrs, choices.keys)
      .map(([key, value]) => ` ${key}="${escape(value)}"`)
      .join(choices.indent.length % 2 === 0 ? "" : "\n   ");
    const all = node[name] as Node[];
    const hasElements = all.some((child) => !("#text" in child));
    // Layout whitespace between elements is dropped; a value's own whitespace is kept.
    const children = hasElements
      ? all.filter((child) => !(typeof child["#text"] === "string" && child["#text"].trim() === ""))
      : all;
    if (children.length === 0) return `<${qname}${attributeText}/>`;
    if (children.every((child) => "#text" in child)) {
      return `<${qname}${attributeText}>${children.map((c) => write(c, depth + 1)).join("")}</${qname}>`;
    }
    const pad = `\n${choices.indent.repeat(depth + 1)}`;
    return `<${qname}${attributeText}>${children.map((c) => pad + write(c, depth + 1)).join("")}\n${choices.indent.repeat(depth)}</${qname}>`;
  };
  const root = (parser.parse(xml) as Node[]).find((node) => !("?xml" in node))!;
  return write(root, 0);
}

describe("normalizePolicy", () => {
  it("ignores the order of rules, subjects, actions and AllOf parts (property)", () => {
    fc.assert(
      fc.property(policyArbitrary(), keys, (policy, order) => {
        const reordered = parsePolicyModel({
          ...policy,
          rules: shuffled(policy.rules, order).map((rule) => ({
            ...rule,
            subjects: shuffled(rule.subjects, order).map((s) =>
              "allOf" in s ? { allOf: shuffled(s.allOf, order) } : s,
            ),
            actions: shuffled(rule.actions, order),
          })),
        });
        expect(normal(reordered)).toStrictEqual(normal(policy));
      }),
      RUNS,
    );
  });

  it("ignores the case of values compared ignoring case (property)", () => {
    fc.assert(
      fc.property(policyArbitrary(), fc.boolean(), (policy, upper) => {
        const recased = parsePolicyModel({
          ...policy,
          rules: policy.rules.map((rule) => ({
            ...rule,
            subjects: rule.subjects.map((s) => flipSubjectCase(s, upper)),
            actions: rule.actions.map((a) =>
              typeof a === "string" ? a : { action: caseFlipped(a.action, upper), match: a.match },
            ),
          })),
        });
        expect(normal(recased)).toStrictEqual(normal(policy));
      }),
      RUNS,
    );
  });

  it("ignores how grants are grouped into rules, duplicates and descriptions (property)", () => {
    fc.assert(
      fc.property(policyArbitrary(), (policy) => {
        const split = parsePolicyModel({
          ...policy,
          rules: policy.rules.flatMap(({ description: _d, ...rule }) =>
            rule.subjects.flatMap((subject) =>
              rule.actions.map((action) => ({ ...rule, subjects: [subject], actions: [action] })),
            ),
          ),
        });
        const doubled = parsePolicyModel({
          ...policy,
          rules: [...policy.rules, ...policy.rules.map((r) => ({ ...r, description: "again" }))],
        });
        expect(normal(split)).toStrictEqual(normal(policy));
        expect(normal(doubled)).toStrictEqual(normal(policy));
      }),
      RUNS,
    );
  });

  it("ignores XML prefixes, attribute order and whitespace (property)", () => {
    fc.assert(
      fc.property(
        policyArbitrary(),
        fc.record({
          prefix: fc.constantFrom("", "xacml", "p", "x1"),
          keys,
          indent: fc.constantFrom("", " ", "  ", "\t", "    "),
        }),
        (policy, choices) => {
          const xml = rewritten(buildPolicyXml(policy, { resourceId: RESOURCE }), choices);
          expect(normal(parsePolicy(xml, { resourceId: RESOURCE }).policy)).toStrictEqual(
            normal(policy),
          );
        },
      ),
      RUNS,
    );
  });

  it("holds the whole meaning: a policy rebuilt from its normal form means the same (property)", () => {
    fc.assert(
      fc.property(policyArbitrary(), (policy) => {
        expect(normal(fromNormal(normal(policy)))).toStrictEqual(normal(policy));
      }),
      RUNS,
    );
  });

  it("changes when a grant is added or a level changes (property)", () => {
    fc.assert(
      fc.property(policyArbitrary(), (policy) => {
        const added = parsePolicyModel({
          ...policy,
          rules: [
            ...policy.rules,
            { subjects: [{ role: "NEW-ROLE-NOT-GENERATED" }], actions: ["read"] },
          ],
        });
        expect(samePolicy(added, policy, RESOURCE)).toBe(false);
        const level = parsePolicyModel({
          ...policy,
          authenticationLevel: ((policy.authenticationLevel ?? 0) + 1) % 5,
        });
        expect(samePolicy(level, policy, RESOURCE)).toBe(false);
      }),
      RUNS,
    );
  });

  it("tells an exact match from one ignoring case, and DAGL from dagl when exact", () => {
    const exact = parsePolicyModel({
      rules: [{ subjects: [{ role: "DAGL", match: "exact" }], actions: ["read"] }],
    });
    const lower = parsePolicyModel({
      rules: [{ subjects: [{ role: "dagl", match: "exact" }], actions: ["read"] }],
    });
    const ignoring = parsePolicyModel({
      rules: [{ subjects: [{ role: "dagl" }], actions: ["read"] }],
    });
    expect(samePolicy(exact, lower, RESOURCE)).toBe(false);
    expect(samePolicy(exact, ignoring, RESOURCE)).toBe(false);
    expect(normal(ignoring)).toStrictEqual({
      ruleCombiningAlgorithm:
        "urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides",
      authenticationLevel: null,
      authenticationLevelOrg: null,
      grants: [
        {
          effect: "Permit",
          subject: [{ attribute: "urn:altinn:rolecode", value: "DAGL", match: "ignoreCase" }],
          action: {
            attribute: "urn:oasis:names:tc:xacml:1.0:action:action-id",
            value: "read",
            match: "exact",
          },
          resource: [{ attribute: "urn:altinn:resource", value: RESOURCE, match: "exact" }],
        },
      ],
    });
  });
});
