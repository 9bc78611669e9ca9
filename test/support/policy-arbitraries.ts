import fc from "fast-check";
import { parsePolicyModel, policySchema, type Policy } from "../../policies/model";

/** Text as people write it: printable ASCII or any Unicode, sometimes with markup characters. */
const text = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ minLength: 1, maxLength: 6, unit: "grapheme" }),
  fc.constantFrom("DAGL", "PRIV", "<&>", "a\"b'c", "ÆØÅ æøå"),
);
const word = text.filter((value) => value.trim() !== "");

const exact = fc.constant("exact" as const);

const subjectMatch = fc.oneof(
  fc.record({ role: word, match: exact }, { requiredKeys: ["role"] }),
  fc.record({ accessPackage: word, match: exact }, { requiredKeys: ["accessPackage"] }),
  fc.record({ org: word, match: exact }, { requiredKeys: ["org"] }),
  fc.record(
    {
      attribute: fc.constantFrom(
        "urn:altinn:organization:identifier-no",
        "urn:altinn:person:identifier-no",
        "urn:altinn:systemuser:uuid",
        "urn:acme:custom",
      ),
      value: text,
      match: exact,
    },
    { requiredKeys: ["attribute", "value"] },
  ),
);

const subject = fc.oneof(
  { weight: 4, arbitrary: subjectMatch },
  {
    weight: 1,
    arbitrary: fc.record({ allOf: fc.array(subjectMatch, { minLength: 2, maxLength: 3 }) }),
  },
);

const action = fc.oneof(
  fc.constantFrom("read", "write", "subscribe"),
  word,
  fc.record({ action: word, match: fc.constant("ignoreCase" as const) }),
);

const resourceMatch = fc.record(
  {
    attribute: fc.constantFrom("urn:altinn:resource", "urn:altinn:task", "urn:acme:part"),
    value: text,
    match: fc.constant("ignoreCase" as const),
  },
  { requiredKeys: ["attribute", "value"] },
);

const rule = fc.record(
  {
    description: word,
    effect: fc.constantFrom("Permit" as const, "Deny" as const),
    subjects: fc.array(subject, { minLength: 1, maxLength: 4 }),
    actions: fc.array(action, { minLength: 1, maxLength: 3 }),
    resources: fc.array(fc.array(resourceMatch, { minLength: 1, maxLength: 2 }), {
      minLength: 1,
      maxLength: 2,
    }),
  },
  { requiredKeys: ["effect", "subjects", "actions"] },
);

const level = fc.integer({ min: 0, max: 4 });

/** Policies in the model's canonical form, covering every shape the model has. */
export function policyArbitrary(): fc.Arbitrary<Policy> {
  return fc
    .record(
      {
        rules: fc.array(rule, { minLength: 1, maxLength: 4 }),
        authenticationLevel: level,
        authenticationLevelOrg: level,
        ruleCombiningAlgorithm: fc.constantFrom(
          "urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:permit-overrides",
          "urn:oasis:names:tc:xacml:1.0:rule-combining-algorithm:first-applicable",
        ),
      },
      { requiredKeys: ["rules"] },
    )
    .filter((raw) => policySchema.safeParse(raw).success)
    .map((raw) => parsePolicyModel(raw));
}
