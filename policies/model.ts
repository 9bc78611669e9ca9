/**
 * The access-policy model: who may do what with a Resource Registry resource, in Altinn's dialect
 * of XACML 3.0 (docs/altinn-apis.md section 3.4). Pure: no HTTP, no Pulumi.
 *
 * A policy is a list of rules plus the minimum authentication levels. A rule permits (or denies)
 * its actions (OR-ed) to any of its subjects (OR-ed) on the resource. The resource is implicit: the
 * builder writes `urn:altinn:resource = <resource id>` into every rule, and only a rule that targets
 * something else (read from hand-written XML) carries `resources`.
 *
 * Matching follows Altinn Studio's choices, which most policies use: subjects compare ignoring
 * case (string-equal-ignore-case), actions and resource attributes compare exactly (string-equal).
 * A match that deviates says so with `match`, so a hand-written policy keeps its meaning.
 */
import { z } from "zod";

export const XACML_NAMESPACE = "urn:oasis:names:tc:xacml:3.0:core:schema:wd-17";

export const CATEGORY = {
  subject: "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject",
  resource: "urn:oasis:names:tc:xacml:3.0:attribute-category:resource",
  action: "urn:oasis:names:tc:xacml:3.0:attribute-category:action",
} as const;

export const ACTION_ATTRIBUTE = "urn:oasis:names:tc:xacml:1.0:action:action-id";
export const RESOURCE_ATTRIBUTE = "urn:altinn:resource";

/**
 * The match functions the model holds, of those Altinn's PDP implements
 * (altinn-authorization-tmp src/pkgs/Altinn.Authorization.ABAC/.../Xacml/AttributeMatcher.cs).
 */
export const MATCH_FUNCTION = {
  exact: "urn:oasis:names:tc:xacml:1.0:function:string-equal",
  ignoreCase: "urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case",
  integerEqual: "urn:oasis:names:tc:xacml:1.0:function:integer-equal",
} as const;

export type MatchFunction = keyof typeof MATCH_FUNCTION;

export const DATA_TYPE = {
  string: "http://www.w3.org/2001/XMLSchema#string",
  integer: "http://www.w3.org/2001/XMLSchema#integer",
} as const;

/** A value's data type when it is not a string; the model holds integers only. */
export type ValueDataType = "integer";

export const DENY_OVERRIDES =
  "urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides";

/** Obligation categories Altinn reads (ResourceRegistry PolicyHelper, Correspondence). */
export const OBLIGATION_CATEGORY = {
  authenticationLevel: "urn:altinn:minimum-authenticationlevel",
  authenticationLevelOrg: "urn:altinn:minimum-authenticationlevel-org",
} as const;

/** Subject attributes with a short name in the model. */
export const SUBJECT_SHORTHANDS = {
  role: "urn:altinn:rolecode",
  accessPackage: "urn:altinn:accesspackage",
  org: "urn:altinn:org",
} as const;

export type SubjectShorthand = keyof typeof SUBJECT_SHORTHANDS;

/**
 * Subject attributes Altinn's PDP supplies about the one asking (the decision request's
 * access-subject). A rule on any other attribute never matches.
 */
export const KNOWN_SUBJECT_ATTRIBUTES: Readonly<Record<string, string>> = {
  "urn:altinn:rolecode": "role",
  "urn:altinn:accesspackage": "access package",
  "urn:altinn:org": "service owner",
  "urn:altinn:organization:identifier-no": "organisation",
  "urn:altinn:organizationnumber": "organisation",
  "urn:altinn:organization:uuid": "organisation",
  "urn:altinn:person:identifier-no": "person",
  "urn:altinn:person:uuid": "person",
  "urn:altinn:party:uuid": "party",
  "urn:altinn:partyid": "party",
  "urn:altinn:userid": "user",
  "urn:altinn:systemuser:uuid": "system user",
  "urn:altinn:enterpriseuser:uuid": "enterprise user",
};

/** Resource attributes Altinn's PDP knows (resources, apps, their parts and instances). */
export const KNOWN_RESOURCE_ATTRIBUTES: readonly string[] = [
  "urn:altinn:resource",
  "urn:altinn:resource:instance-id",
  "urn:altinn:resourceinstance",
  "urn:altinn:subresource",
  "urn:altinn:org",
  "urn:altinn:app",
  "urn:altinn:task",
  "urn:altinn:end-event",
  "urn:altinn:instance-id",
  "urn:altinn:appresource",
  "urn:altinn:partyid",
  "urn:altinn:organization:identifier-no",
];

/** The actions Correspondence asks the PDP about. */
export const CORRESPONDENCE_ACTIONS = ["read", "write", "subscribe"] as const;

/** Whether the text holds a character XML 1.0 cannot carry, not even as a reference. */
function hasNonXmlCharacter(value: string): boolean {
  for (const character of value) {
    const code = character.codePointAt(0)!;
    const control = code < 0x20 && code !== 0x9 && code !== 0xa && code !== 0xd;
    if (control || code === 0xfffe || code === 0xffff) return true;
  }
  return false;
}

const xmlText = () =>
  z.string().refine((value) => !hasNonXmlCharacter(value), {
    message: "contains a control character XML cannot carry",
  });

const nonBlank = (what: string) =>
  xmlText().refine((value) => value.trim() !== "", { message: `${what} must not be empty` });

/** One attribute comparison, as the PDP evaluates it. */
export interface AttributeMatch {
  attribute: string;
  value: string;
  /** How the value is compared: `exact` (string-equal), `ignoreCase` or `integerEqual`. */
  match: MatchFunction;
  /** The value's data type when not a string. */
  dataType?: ValueDataType;
}

const dataTypeSchema = z.literal("integer", {
  error: () => 'dataType is "integer" (leave it out for a string)',
});

const subjectMatchInput = z
  .object({
    role: nonBlank("role").optional(),
    accessPackage: nonBlank("accessPackage").optional(),
    org: nonBlank("org").optional(),
    attribute: nonBlank("attribute").optional(),
    value: xmlText().optional(),
    match: z.enum(["exact", "integerEqual"]).optional(),
    dataType: dataTypeSchema.optional(),
  })
  .strict();

type SubjectMatchInput = z.output<typeof subjectMatchInput>;

type SubjectComparison = { match?: "exact" | "integerEqual"; dataType?: ValueDataType };

/** A subject in its canonical form: a shorthand for the three common attributes. */
export type SubjectMatch =
  | ({ role: string } & SubjectComparison)
  | ({ accessPackage: string } & SubjectComparison)
  | ({ org: string } & SubjectComparison)
  | ({ attribute: string; value: string } & SubjectComparison);

function subjectMatchIssues(subject: SubjectMatchInput): string | undefined {
  const named = (["role", "accessPackage", "org", "attribute"] as const).filter(
    (key) => subject[key] !== undefined,
  );
  if (named.length !== 1) {
    return `a subject names exactly one of role, accessPackage, org or attribute (with value), got ${named.length === 0 ? "none" : named.join(" and ")}: for example { role: "DAGL" }`;
  }
  if (named[0] === "attribute" && subject.value === undefined) {
    return `a subject with attribute needs a value: for example { attribute: "urn:altinn:rolecode", value: "DAGL" }`;
  }
  if (named[0] !== "attribute" && subject.value !== undefined) {
    return `value belongs with attribute; write { ${named[0]}: "${subject.value}" } instead`;
  }
  return undefined;
}

/** Known attribute ids become their shorthand, so one meaning has one form. */
function canonicalSubjectMatch(subject: SubjectMatchInput): SubjectMatch {
  const exact = {
    ...(subject.match !== undefined ? { match: subject.match } : {}),
    ...(subject.dataType !== undefined ? { dataType: subject.dataType } : {}),
  };
  if (subject.role !== undefined) return { role: subject.role, ...exact };
  if (subject.accessPackage !== undefined) {
    return { accessPackage: subject.accessPackage, ...exact };
  }
  if (subject.org !== undefined) return { org: subject.org, ...exact };
  const attribute = subject.attribute!;
  const value = subject.value!;
  for (const [key, id] of Object.entries(SUBJECT_SHORTHANDS)) {
    if (attribute === id) return { [key]: value, ...exact } as SubjectMatch;
  }
  return { attribute, value, ...exact };
}

const subjectMatchSchema = subjectMatchInput
  .superRefine((subject, ctx) => {
    const problem = subjectMatchIssues(subject);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform(canonicalSubjectMatch);

/**
 * One subject alternative: a single attribute, or (rarely) several that must all hold, which is
 * XACML's AllOf with more than one Match.
 */
export type Subject = SubjectMatch | { allOf: SubjectMatch[] };

const subjectSchema = subjectMatchInput
  .extend({
    allOf: z.array(subjectMatchSchema).min(2, "allOf needs at least two subjects").optional(),
  })
  .superRefine(({ allOf, ...single }, ctx) => {
    if (allOf === undefined) {
      const problem = subjectMatchIssues(single);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    } else if (Object.values(single).some((v) => v !== undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "a subject with allOf lists its parts only inside allOf",
      });
    }
  })
  .transform(({ allOf, ...single }): Subject =>
    allOf === undefined ? canonicalSubjectMatch(single) : { allOf },
  );

/** An action id; an object only when the policy compares it ignoring case. */
export type Action = string | { action: string; match: "ignoreCase" };

const actionSchema = z.union(
  [
    nonBlank("an action"),
    z.object({ action: nonBlank("action"), match: z.literal("ignoreCase") }).strict(),
  ],
  {
    error: () =>
      'an action is an action id such as "read", or { action: "read", match: "ignoreCase" }',
  },
);

export type ResourceMatch = {
  attribute: string;
  value: string;
  match?: "ignoreCase" | "integerEqual";
  dataType?: ValueDataType;
};

const resourceMatchSchema = z
  .object({
    attribute: nonBlank("attribute"),
    value: xmlText(),
    match: z.enum(["ignoreCase", "integerEqual"]).optional(),
    dataType: dataTypeSchema.optional(),
  })
  .strict()
  .transform(({ attribute, value, match, dataType }): ResourceMatch => ({
    attribute,
    value,
    ...(match ? { match } : {}),
    ...(dataType ? { dataType } : {}),
  }));

export const ruleSchema = z
  .object({
    /** Free text for people; it carries no access meaning. */
    description: xmlText().trim().min(1).optional(),
    effect: z.enum(["Permit", "Deny"]).default("Permit"),
    /** Who: any one of these. */
    subjects: z.array(subjectSchema).min(1, "a rule needs at least one subject"),
    /** What: any one of these. */
    actions: z.array(actionSchema).min(1, "a rule needs at least one action"),
    /**
     * On what, when not simply this resource: any one group, every match in a group must hold.
     * Only hand-written policies have this; the linter flags it.
     */
    resources: z.array(z.array(resourceMatchSchema).min(1)).min(1).optional(),
  })
  .strict();

export type Rule = z.output<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

const authenticationLevel = z
  .number()
  .int()
  .min(0, "Altinn's authentication levels are 0 to 4")
  .max(4, "Altinn's authentication levels are 0 to 4");

export const policySchema = z
  .object({
    rules: z.array(ruleSchema).min(1, "a policy needs at least one rule"),
    /** The minimum-authentication-level obligation: users must log in at this level or higher. */
    authenticationLevel: authenticationLevel.optional(),
    /** The same for service owners acting as an organisation (minimum-authenticationlevel-org). */
    authenticationLevelOrg: authenticationLevel.optional(),
    /** The rule-combining algorithm, only when not deny-overrides (what Altinn's tools write). */
    ruleCombiningAlgorithm: z.string().optional(),
  })
  .strict();

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

/** The attribute comparisons of one subject alternative (one XACML AllOf). */
export function subjectMatches(subject: Subject): AttributeMatch[] {
  const parts: SubjectMatch[] = "allOf" in subject ? subject.allOf : [subject];
  return parts.map((part) => {
    const comparison = {
      match: part.match ?? ("ignoreCase" as const),
      ...(part.dataType ? { dataType: part.dataType } : {}),
    };
    if ("role" in part) {
      return { attribute: SUBJECT_SHORTHANDS.role, value: part.role, ...comparison };
    }
    if ("accessPackage" in part) {
      return {
        attribute: SUBJECT_SHORTHANDS.accessPackage,
        value: part.accessPackage,
        ...comparison,
      };
    }
    if ("org" in part) return { attribute: SUBJECT_SHORTHANDS.org, value: part.org, ...comparison };
    return { attribute: part.attribute, value: part.value, ...comparison };
  });
}

export function actionMatch(action: Action): AttributeMatch {
  return typeof action === "string"
    ? { attribute: ACTION_ATTRIBUTE, value: action, match: "exact" }
    : { attribute: ACTION_ATTRIBUTE, value: action.action, match: "ignoreCase" };
}

export function actionId(action: Action): string {
  return typeof action === "string" ? action : action.action;
}

/** The resource groups a rule targets: its own, or this resource. */
export function ruleResources(rule: Rule, resourceId: string): AttributeMatch[][] {
  if (!rule.resources) {
    return [[{ attribute: RESOURCE_ATTRIBUTE, value: resourceId, match: "exact" }]];
  }
  return rule.resources.map((group) =>
    group.map((m) => ({
      attribute: m.attribute,
      value: m.value,
      match: m.match ?? "exact",
      ...(m.dataType ? { dataType: m.dataType } : {}),
    })),
  );
}

/**
 * A value as string-equal-ignore-case compares it: Altinn's PDP uses .NET's OrdinalIgnoreCase,
 * which upper-cases character by character (simple case mapping: "ß" stays "ß", unlike
 * JavaScript's toUpperCase, which makes it "SS").
 */
export function foldCase(value: string): string {
  let folded = "";
  for (const character of value) {
    const upper = character.toUpperCase();
    folded += [...upper].length === 1 ? upper : character;
  }
  return folded;
}

/**
 * int.TryParse as the PDP's integer-equal reads a value: a 32-bit integer, surrounding white
 * space and a sign allowed; undefined when it does not parse (then nothing matches).
 */
export function parseInt32(value: string): number | undefined {
  if (!/^\s*[+-]?\d+\s*$/.test(value)) return undefined;
  const number = Number(value.trim());
  return number >= -2147483648 && number <= 2147483647 ? number : undefined;
}

/**
 * Whether a PDP request value (a string, as Altinn's PEP sends every attribute: DecisionHelper
 * DefaultType "string") satisfies one match. The PDP compares data types first
 * (XacmlMatch.IsMatch), so a value typed integer never matches a string.
 */
export function matchesValue(match: AttributeMatch, requestValue: string): boolean {
  if (match.dataType !== undefined) return false;
  if (match.match === "ignoreCase") return foldCase(match.value) === foldCase(requestValue);
  if (match.match === "integerEqual") {
    const expected = parseInt32(match.value);
    return expected !== undefined && expected === parseInt32(requestValue);
  }
  return match.value === requestValue;
}

/** Parses a policy written in the model, throwing one message that lists every problem. */
export function parsePolicyModel(input: unknown): Policy {
  const parsed = policySchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new Error(
    `the policy is invalid:\n${parsed.error.issues
      .map((issue) => `  ${issue.path.map(String).join(".") || "(policy)"}: ${issue.message}`)
      .join("\n")}`,
  );
}
