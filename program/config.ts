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

/** YAML reads an unquoted organisation number as a number; a member is its text. */
const memberSpec = z.union([z.string(), z.number().int().transform(String)]);

const accessListSpec = z
  .object({
    identifier: z.string(),
    name: z.string(),
    description: z.string().optional(),
    members: z.array(memberSpec).default([]),
    /** The resources the list grants access to; no actionFilters means every action. */
    resources: z
      .array(
        z
          .object({ identifier: z.string(), actionFilters: z.array(z.string()).optional() })
          .strict(),
      )
      .default([]),
    adopt: z.boolean().optional(),
  })
  .strict();

/**
 * A Maskinporten client and its key set. Fields are checked by the providers (MaskinportenClient,
 * MaskinportenClientKey) at preview, naming the property and the fix.
 */
const maskinportenClientSpec = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]*$/,
        "name is the client's stable logical name in lowercase kebab-case, such as melding-sender",
      ),
    clientName: z.string(),
    description: z.string(),
    scopes: z.array(z.string()).default([]),
    accessTokenLifetime: z.number().optional(),
    key: z
      .object({
        rotation: z.number().optional(),
        renewBeforeDays: z.number().optional(),
        publicJwk: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** The key set of a client made outside the stack (in Samarbeidsportalen, say). */
const maskinportenClientKeySpec = z
  .object({
    name: maskinportenClientSpec.shape.name,
    clientId: z.string(),
    rotation: z.number().optional(),
    renewBeforeDays: z.number().optional(),
    publicJwk: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/**
 * An Altinn Events subscription of the org to one resource's events. Fields are checked by the
 * EventSubscription provider at preview, naming the property and the fix.
 */
const subscriptionSpec = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]*$/,
        "name is the subscription's stable logical name in lowercase kebab-case, such as melding-read",
      ),
    /** The resource identifier (a resource of this stack, or one managed elsewhere). */
    resource: z.string(),
    endPoint: z.string(),
    typeFilter: z.string().optional(),
    subjectFilter: z.string().optional(),
    validationWaitSeconds: z.number().optional(),
    /** Delete the old subscription before creating its replacement (default: create first). */
    deleteBeforeReplace: z.boolean().optional(),
  })
  .strict();

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
  accessLists: z.array(accessListSpec).default([]),
  maskinportenClients: z.array(maskinportenClientSpec).default([]).refine(uniqueNames, {
    message: "each Maskinporten client needs its own name",
  }),
  maskinportenClientKeys: z.array(maskinportenClientKeySpec).default([]).refine(uniqueNames, {
    message: "each entry needs its own name",
  }),
  subscriptions: z.array(subscriptionSpec).default([]).refine(uniqueNames, {
    message: "each subscription needs its own name",
  }),
});

function uniqueNames(entries: Array<{ name: string }>): boolean {
  return new Set(entries.map((e) => e.name)).size === entries.length;
}

export type StackConfig = z.output<typeof stackConfigSchema>;
export type ResourceSpec = z.output<typeof resourceSpec>;
export type AccessListSpec = z.output<typeof accessListSpec>;
export type PolicySpec = NonNullable<ResourceSpec["policy"]>;

/** Reads and validates the stack config; throws one message listing every problem. */
export function loadStackConfig(
  config: pulumi.Config = new pulumi.Config("altinn-iac"),
): StackConfig {
  const raw = {
    environment: config.get("environment") ?? "local",
    org: config.getObject("org"),
    resources: config.getObject("resources"),
    accessLists: config.getObject("accessLists"),
    maskinportenClients: config.getObject("maskinportenClients"),
    maskinportenClientKeys: config.getObject("maskinportenClientKeys"),
    subscriptions: config.getObject("subscriptions"),
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
