/**
 * CorrespondenceVerification: the end-to-end check of verification/verify.ts as a step of `pulumi up`.
 * It manages no remote object: create and update run the verification (a Maskinporten token with
 * the created client's key, a test message through Correspondence with an idempotentKey, its
 * status, the policy's grants, the Events subscriptions) and fail the update with the report
 * when a check fails. It runs again whenever one of its triggers changes: the resource's and the
 * policy's declared content, the client, or its key.
 *
 * Why not `@pulumi/command`'s `local.Command`: its provider plugin is not served by the Go module
 * proxy this project can reach (github.com/pulumi/pulumi-command/provider@v1.2.1: 404), so it
 * cannot be installed offline. A dynamic resource runs the same code with the same credentials.
 *
 * Production: never sends unless `allowProd` is set.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { canonicalJson } from "./lib/check";
import { lifecycle } from "./lib/lifecycle";
import type { ObjectKind } from "./lib/object-kind";
import type { ProviderImplementation } from "./lib/provider";
import { runtimeProvider } from "./lib/shell";
import type { Inputs } from "./lib/types";
import { checkLabel, RECIPIENT_PATTERN } from "./verification/target";
import { verify } from "./verification/verify";

export const verificationInputsSchema = z
  .object({
    orgCode: z.string(),
    resourceId: z.string(),
    clientId: z.string(),
    keyId: z.string(),
    /** The client's private key (a secret input, so it is encrypted in state). */
    privateKeyPem: z.string(),
    recipient: z
      .string()
      .regex(
        RECIPIENT_PATTERN,
        "an organisation number (9 digits) or urn:altinn:organization:identifier-no:<9 digits> or urn:altinn:person:identifier-no:<11 digits>",
      ),
    /**
     * What the verification depends on, each as `<what> <short hash>` (verificationTrigger): a
     * change to any of them runs it again, and the plan names the part that changed.
     */
    triggers: z.array(z.string()),
    allowProd: z.boolean().default(false),
    /** How long to look for the message's events (Events lists them 30 s after they happen). */
    eventsWaitSeconds: z.number().int().min(0).max(600).default(60),
  })
  .strict();

export type VerificationInputs = z.output<typeof verificationInputsSchema>;
export type VerificationArgs = Inputs<z.input<typeof verificationInputsSchema>>;

/**
 * A trigger: what it stands for and a short hash of its declared content, so a plan shows
 * `resource digdir-melding 3f2a9c1b7d0e => ... 8a7b0c4d2e1f` instead of both documents.
 */
export function verificationTrigger(label: string, content: unknown): string {
  return `${label} ${contentHash(canonicalJson(content))}`;
}

function contentHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

/**
 * Triggers as the provider compares them. Stacks deployed before triggers were hashed hold each
 * part's canonical JSON: it is hashed under the new label, so upgrading sends no message.
 */
function comparableTriggers(olds: unknown, news: unknown): unknown {
  if (!Array.isArray(olds) || !Array.isArray(news)) return olds;
  return olds.map((old, i) => {
    const label =
      typeof news[i] === "string" ? (news[i] as string).replace(/ [0-9a-f]{12}$/, "") : undefined;
    return typeof old === "string" && old.startsWith("{") && label !== undefined
      ? `${label} ${contentHash(old)}`
      : old;
  });
}

const verificationLifecycle = lifecycle<VerificationInputs>({
  schema: verificationInputsSchema,
  replaceOn: [],
  // How long to wait for events is not what is verified: a change does not send again.
  createOnly: ["eventsWaitSeconds"],
});

export const correspondenceVerificationImplementation: ProviderImplementation = {
  async check(_ctx, _olds, news) {
    return verificationLifecycle.check(news).result;
  },

  async diff(_ctx, _id, olds, news) {
    const before = verificationLifecycle.managedInputs(olds);
    const after = verificationLifecycle.managedInputs(news);
    const changed = verificationLifecycle.changedFields(
      { ...before, triggers: comparableTriggers(before.triggers, after.triggers) as string[] },
      after,
    );
    return { changes: changed.length > 0, replaces: [] };
  },

  async create(ctx, props) {
    const outs = await run(ctx, verificationLifecycle.managedInputs(props));
    return { id: `${String(props.resourceId)}-verification`, outs };
  },

  async read(_ctx, id, props) {
    return { id, props };
  },

  async update(ctx, _id, _olds, news) {
    return { outs: await run(ctx, verificationLifecycle.managedInputs(news)) };
  },

  async delete() {
    // Nothing remote: the test messages stay in the recipient's inbox, as they would by hand.
  },
};

async function run(
  ctx: Parameters<ProviderImplementation["create"]>[0],
  inputs: VerificationInputs,
): Promise<Record<string, unknown>> {
  const report = await verify(
    {
      environment: ctx.settings.environment,
      endpoints: ctx.settings.endpoints,
      orgCode: inputs.orgCode,
      resourceId: inputs.resourceId,
      credentials: {
        clientId: inputs.clientId,
        keyId: inputs.keyId,
        privateKey: inputs.privateKeyPem,
      },
      recipient: inputs.recipient,
    },
    {
      allowProd: inputs.allowProd,
      log: (line) => ctx.warn(line),
      eventsWaitMs: inputs.eventsWaitSeconds * 1000,
    },
  );
  const lines = report.checks.map((c) => `${checkLabel(c)} ${c.name}: ${c.detail}`);
  for (const check of report.checks.filter((c) => c.ok && c.warning)) {
    ctx.warn(`verification of ${inputs.resourceId}: ${check.name}: ${check.detail}`);
  }
  if (!report.ok)
    throw new Error(`verification of ${inputs.resourceId} failed:\n${lines.join("\n")}`);
  return {
    ...inputs,
    verifiedAt: new Date(ctx.now()).toISOString(),
    correspondenceId: report.correspondenceId ?? "",
    checks: lines,
  };
}

/** Sends a test message through the whole chain at `up`, again when its triggers change. */
export class CorrespondenceVerification extends pulumi.dynamic.Resource {
  declare readonly verifiedAt: pulumi.Output<string>;
  declare readonly correspondenceId: pulumi.Output<string>;
  declare readonly checks: pulumi.Output<string[]>;

  constructor(name: string, args: VerificationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      correspondenceVerificationProvider,
      name,
      { ...args, verifiedAt: undefined, correspondenceId: undefined, checks: undefined },
      { ...opts, additionalSecretOutputs: ["privateKeyPem"] },
      "altinn",
      "CorrespondenceVerification",
    );
  }
}

const correspondenceVerificationProvider = runtimeProvider("CorrespondenceVerification");

export const correspondenceVerificationKind = {
  kind: "CorrespondenceVerification",
  implementation: correspondenceVerificationImplementation,
  lifecycle: verificationLifecycle,
} as const satisfies ObjectKind;
