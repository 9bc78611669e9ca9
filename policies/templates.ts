/**
 * Ready policies, so a stack file needs no XML. The correspondence template is the rule set
 * docs/altinn-apis.md section 3.4 recommends: recipients (by role codes and access
 * packages; Altinn asks for both until June 2026) may read; the service owner may write (the PDP
 * path for sending) and subscribe (what Altinn Events asks before it accepts the owner's
 * subscription); and a minimum authentication level.
 */
import { z } from "zod";
import { parsePolicyModel, type Policy, type Subject } from "./model";

const level = z.number().int().min(0).max(4);

export const correspondenceTemplateSchema = z
  .object({
    template: z.literal("correspondence"),
    recipients: z
      .object({
        /** Role codes such as DAGL (daglig leder) or PRIV (a person for themself). */
        roles: z.array(z.string()).default([]),
        /** Access packages such as ordinaer-post-til-virksomheten. */
        accessPackages: z.array(z.string()).default([]),
        /** What recipients may do; add subscribe to let them subscribe to events. */
        actions: z.array(z.string()).min(1).default(["read"]),
      })
      .strict()
      .refine((r) => r.roles.length + r.accessPackages.length > 0, {
        message:
          'name at least one recipient role or access package, such as roles: ["DAGL"] or accessPackages: ["ordinaer-post-til-virksomheten"]',
      }),
    /** Users must log in at this level or higher (Altinn's example uses 3). */
    authenticationLevel: level.default(3),
    /** The level service owners acting as an organisation need, when it differs. */
    authenticationLevelOrg: level.optional(),
  })
  .strict();

export type CorrespondenceTemplate = z.input<typeof correspondenceTemplateSchema>;

/** The standard policy of a correspondence resource owned by `org` (its org code). */
export function correspondencePolicy(
  org: string,
  options: Omit<CorrespondenceTemplate, "template">,
): Policy {
  const parsed = correspondenceTemplateSchema.safeParse({ template: "correspondence", ...options });
  if (!parsed.success) {
    throw new Error(
      `the correspondence template is invalid:\n${parsed.error.issues
        .map((issue) => `  ${issue.path.map(String).join(".") || "(template)"}: ${issue.message}`)
        .join("\n")}`,
    );
  }
  const { recipients, authenticationLevel, authenticationLevelOrg } = parsed.data;
  const subjects: Subject[] = [
    ...recipients.roles.map((role) => ({ role })),
    ...recipients.accessPackages.map((accessPackage) => ({ accessPackage })),
  ];
  return parsePolicyModel({
    rules: [
      {
        description: "Recipients read the messages sent to them",
        subjects,
        actions: recipients.actions,
      },
      {
        description: "The service owner sends messages and subscribes to their events",
        subjects: [{ org }],
        actions: ["write", "subscribe"],
      },
    ],
    authenticationLevel,
    ...(authenticationLevelOrg !== undefined ? { authenticationLevelOrg } : {}),
  });
}
