import { z } from "zod";
import { policySchema } from "../policies/model";
import { correspondenceTemplateSchema } from "../policies/templates";
import { accessListEntrySchema } from "../providers/access-list";
import { resourceEntryBase } from "../providers/altinn-resource";
import { ENVIRONMENT_NAMES } from "../providers/lib/environments";
import { numberText, ORG_CODE_PATTERN, ORGANIZATION_NUMBER } from "../providers/lib/identifiers";
import { asWritten } from "../providers/lib/object-kind";
import { subscriptionEntrySchema } from "../providers/event-subscription/stack";
import { clientKeyEntrySchema, keyOptionsSchema } from "../providers/maskinporten-client-key/stack";
import { objectKinds } from "../providers/object-kinds";
import { closest } from "../policies/findings";
import { RECIPIENT_PATTERN } from "../providers/verification/target";
import { issueText, shapeKeysAt, unknownKeyText } from "./config-issues";
import { valueAt } from "./config-paths";

/**
 * The stack file's schema: each object's entry derived from its provider's schema (same field
 * names), and the stack's own keys. Validated once at the top of the program so a wrong value
 * fails before any remote call, naming the key, the bad value and the fix.
 */

/**
 * The stack config of an org's setup, validated once at the top of the program so a wrong value
 * fails before any remote call, naming the key, the bad value and the fix.
 */

/**
 * A resource's access policy: a template (expanded by the program), rules in the policy model, or
 * XACML text. Rules and XML are validated by the ResourcePolicy provider, which names the property.
 */
const POLICY_FORMS = {
  template: correspondenceTemplateSchema,
  rules: z.object({ rules: z.array(z.unknown()) }).passthrough(),
  xml: z.object({ xml: z.string() }).strict(),
} as const;

export const policySpec = z.record(z.string(), z.unknown()).transform((value, ctx) => {
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
    reportIssues(POLICY_FORMS[form], value, parsed.error.issues, ctx);
    return z.NEVER;
  }
  // Rules are the policy model's: checked here too, so a typo is named by its key path.
  const model = form === "rules" ? policySchema.safeParse(value) : undefined;
  if (model && !model.success) {
    reportIssues(policySchema, value, model.error.issues, ctx);
    return z.NEVER;
  }
  return { form, ...parsed.data } as
    | ({ form: "template" } & z.output<typeof correspondenceTemplateSchema>)
    | { form: "rules"; rules: unknown[] }
    | { form: "xml"; xml: string };
});

/**
 * A nested schema's issues in the stack file's words. An unknown key is named with the key it was
 * probably meant to be, and the issues that typo causes (the meant key missing, a rule on the
 * object) are left out: fixing the typo fixes them.
 */
function reportIssues(
  schema: z.ZodType,
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
  ctx: z.RefinementCtx,
): void {
  const caused = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const known = shapeKeysAt(schema, issue.path);
    caused.add(issue.path.map(String).join("."));
    for (const key of issue.keys) {
      const meant = closest(key, known);
      if (meant) caused.add([...issue.path, meant].map(String).join("."));
      ctx.addIssue({
        code: "custom",
        message: unknownKeyText(key, known),
        path: [...issue.path, key],
      });
    }
  }
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys" || caused.has(issue.path.map(String).join(".")))
      continue;
    const text = issueText(issue, valueAt(value, issue.path));
    ctx.addIssue({ code: "custom", message: text ?? issue.message, path: issue.path });
  }
}

/** `altinn-iac:resources[]`: the AltinnResource entry with the resource's access policy. */
const resourceSpec = asWritten(resourceEntryBase.extend({ policy: policySpec.optional() }));

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
    /** Adopt the existing client with this client_id (made in Samarbeidsportalen). */
    clientId: z.string().optional(),
    /**
     * Earlier names of this entry, so a rename keeps the object (a Pulumi alias) instead of
     * deleting it and making a new one. Keep them until every stack has run `up` once.
     */
    aliases: z.array(z.string()).optional(),
    /** The client's key set: the MaskinportenClientKey's own options. */
    key: keyOptionsSchema.default({}),
  })
  .strict();

/** The end-to-end verification (`npm run verify`): the client key, the resource, the test recipient. */
const verificationSpec = z
  .object({
    client: z.string(),
    resource: z.string(),
    recipient: numberText.pipe(
      z
        .string()
        .regex(
          RECIPIENT_PATTERN,
          'the recipient is an organisation number (9 digits, such as "310654321") or a party URN: urn:altinn:organization:identifier-no:<9 digits> or urn:altinn:person:identifier-no:<11 digits> (a synthetic test party from Tenor in tt02)',
        ),
    ),
    /**
     * Also send the test message at every `pulumi up` that changes the resource, its policy, the
     * client or its keys, failing the update when the chain is broken.
     * @default false
     */
    runOnUp: z.boolean().default(false),
    /** Verification sends a real message: in prod only with this set. @default false */
    allowProd: z.boolean().default(false),
    /**
     * With runOnUp: how long to look for the message's events. Altinn Events lists an event 30 s
     * after it happens; not seeing it in time is a warning, not a failure. @default 60
     */
    eventsWaitSeconds: z.number().int().min(0).max(600).default(60),
  })
  .strict();

/**
 * A change the production guards (program/plan-guards.ts) stop unless the stack file accepts it:
 * `object` is the name the preview shows (the resource identifier, a client's or subscription's
 * name, `<name>-key`, ...). Remove the entry once the change is deployed.
 */
export const ACCEPTABLE_CHANGES = ["delete", "replace", "empty-members", "unprotect"] as const;
const acceptedChangeSpec = z
  .object({
    object: z.string().min(1),
    change: z.enum(ACCEPTABLE_CHANGES),
    reason: z
      .string()
      .trim()
      .min(1, "say why the change is wanted, for whoever reviews the deploy"),
  })
  .strict();

export const stackConfigSchema = z
  .object({
    environment: z.enum(ENVIRONMENT_NAMES),
    org: z
      .object({
        code: z
          .string()
          .regex(
            ORG_CODE_PATTERN,
            "the org code is the service owner's lowercase Altinn code, such as digdir",
          ),
        number: numberText.pipe(
          z.string().regex(ORGANIZATION_NUMBER, "the organisation number has 9 digits"),
        ),
      })
      .strict(),
    /**
     * Protect the stack's objects against `pulumi destroy` and accidental deletion from the
     * program (`pulumi state unprotect` to release one).
     * @default - true in prod, false elsewhere
     */
    protect: z.boolean().optional(),
    /**
     * Check the steps that have no API before anything else: the org is a service owner for this
     * environment, the provisioning client has its scopes, the self-service admin client works.
     * @default - true
     */
    preflight: z.boolean().default(true),
    resources: z.array(resourceSpec).default([]),
    accessLists: z.array(accessListEntrySchema).default([]),
    maskinportenClients: z
      .array(maskinportenClientSpec)
      .default([])
      .refine(uniqueNames, { message: "each Maskinporten client needs its own name" }),
    maskinportenClientKeys: z.array(clientKeyEntrySchema).default([]).refine(uniqueNames, {
      message: "each entry needs its own name",
    }),
    subscriptions: z.array(subscriptionEntrySchema).default([]).refine(uniqueNames, {
      message: "each subscription needs its own name",
    }),
    verification: verificationSpec.optional(),
    acceptChanges: z.array(acceptedChangeSpec).default([]),
  })
  .strict();

function uniqueNames(entries: Array<{ name: string }>): boolean {
  return new Set(entries.map((e) => e.name)).size === entries.length;
}

export type StackConfig = z.output<typeof stackConfigSchema>;
export type ResourceSpec = z.output<typeof resourceSpec>;
export type PolicySpec = NonNullable<ResourceSpec["policy"]>;

/**
 * The schema of a stack file, with the collections of kinds registered beyond the built-in ones
 * (providers/object-kinds.ts), each a list of its derived entries.
 */
export function stackFileSchema(): z.ZodObject {
  const extra = objectKinds().flatMap(({ stack }) =>
    stack && !(stack.key in stackConfigSchema.shape)
      ? [[stack.key, z.array(stack.entry).default([])] as const]
      : [],
  );
  return stackConfigSchema.extend(Object.fromEntries(extra));
}

/** The entries of a collection by its key, also of a kind registered beyond the built-in ones. */
export function collection(config: StackConfig, key: string): unknown[] {
  const entries = (config as Record<string, unknown>)[key];
  return Array.isArray(entries) ? entries : [];
}
