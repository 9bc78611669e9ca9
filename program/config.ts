import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { correspondenceTemplateSchema } from "../policies/templates";
import { ENVIRONMENT_NAMES } from "../providers/lib/environments";

/**
 * The stack config of an org's setup, validated once at the top of the program so a wrong value
 * fails before any remote call, naming the key, the bad value and the fix.
 */

const localizedText = z.object({ nb: z.string(), nn: z.string(), en: z.string() }).partial();

/**
 * A resource's access policy: a template (expanded by the program), rules in the policy model, or
 * XACML text. Rules and XML are validated by the ResourcePolicy provider, which names the property.
 */
const POLICY_FORMS = {
  template: correspondenceTemplateSchema,
  rules: z.object({ rules: z.array(z.unknown()) }).passthrough(),
  xml: z.object({ xml: z.string() }).strict(),
} as const;

const policySpec = z.record(z.string(), z.unknown()).transform((value, ctx) => {
  const form = (Object.keys(POLICY_FORMS) as Array<keyof typeof POLICY_FORMS>).find(
    (key) => key in value,
  );
  if (!form) {
    ctx.addIssue({
      code: "custom",
      message:
        'a policy is { template: correspondence, recipients: { roles: [DAGL] } }, { rules: [...] } or { xml: "<xacml:Policy ...>" }',
    });
    return z.NEVER;
  }
  const parsed = POLICY_FORMS[form].safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    }
    return z.NEVER;
  }
  return { form, ...parsed.data } as
    | ({ form: "template" } & z.output<typeof correspondenceTemplateSchema>)
    | { form: "rules"; rules: unknown[] }
    | { form: "xml"; xml: string };
});

const resourceSpec = z
  .object({
    identifier: z.string(),
    title: localizedText,
    description: localizedText,
    rightDescription: localizedText.optional(),
    resourceType: z.string().optional(),
    contactPoints: z.array(z.record(z.string(), z.string())),
    status: z.string().optional(),
    delegable: z.boolean().optional(),
    visible: z.boolean().optional(),
    accessListMode: z.string().optional(),
    availableForType: z.array(z.string()).optional(),
    keywords: z.array(z.object({ word: z.string(), language: z.string() })).optional(),
    homepage: z.string().optional(),
    version: z.string().optional(),
    isPartOf: z.string().optional(),
    policy: policySpec.optional(),
  })
  .passthrough();

export const stackConfigSchema = z.object({
  environment: z.enum(ENVIRONMENT_NAMES),
  org: z
    .object({
      code: z
        .string()
        .regex(
          /^[a-z0-9]{2,10}$/,
          "the org code is the service owner's lowercase Altinn code, such as digdir",
        ),
      number: z.string().regex(/^\d{9}$/, "the organisation number has 9 digits"),
    })
    .strict(),
  resources: z.array(resourceSpec).default([]),
});

export type StackConfig = z.output<typeof stackConfigSchema>;
export type ResourceSpec = z.output<typeof resourceSpec>;
export type PolicySpec = NonNullable<ResourceSpec["policy"]>;

/** Reads and validates the stack config; throws one message listing every problem. */
export function loadStackConfig(
  config: pulumi.Config = new pulumi.Config("altinn-iac"),
): StackConfig {
  const raw = {
    environment: config.get("environment") ?? "local",
    org: config.getObject("org"),
    resources: config.getObject("resources"),
  };
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = [
        "altinn-iac:" + String(issue.path[0] ?? ""),
        ...issue.path.slice(1).map(String),
      ].join(".");
      return `  ${key}: ${issue.message}`;
    });
    throw new Error(`the stack config is invalid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
