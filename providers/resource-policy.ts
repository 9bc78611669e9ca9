/**
 * ResourcePolicy: the XACML access policy of a Resource Registry resource.
 * docs/altinn-apis.md sections 3.1 and 3.4; the model, builder, parser and linter are in
 * policies/.
 *
 * | step    | HTTP                                                                          |
 * |---------|-------------------------------------------------------------------------------|
 * | create  | GET the live policy; POST /resource/{id}/policy, multipart part `policyFile`  |
 * |         | (policy.xml, text/xml), unless the live policy already means the declared one |
 * | read    | GET /resource/{id}/policy (anonymous, text/xml); 404 -> gone                  |
 * | update  | PUT /resource/{id}/policy (overwrites, as POST does)                          |
 * | delete  | none: the API has no call to remove a policy; it goes with its resource      |
 *
 * id: the resource identifier (one policy per resource). Replaced when `resourceId` changes.
 *
 * Input is the policy model (`policy`) or policy XML (`xml`), linted the same way in `check`:
 * errors fail the preview before any upload, warnings are printed. `check` adds `rules`, one
 * sentence per rule, and `obligations`: the engine's diff display is computed from the checked
 * inputs (a Node dynamic provider cannot return a detailed diff), so `pulumi preview --diff` shows
 * a changed rule as a changed sentence rather than as changed XML. `diff` compares meaning
 * (policies/normalize.ts): rule order, grouping, descriptions, XML layout and the case of values
 * compared ignoring case are no change. `read` reports drift only when the live policy means
 * something else; a policy the model cannot represent comes back as `xml`, so the next `up`
 * restores the declared one.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { buildPolicyXml } from "../policies/build";
import {
  describeObligations,
  describeRule,
  describeXacmlObligations,
  describeXacmlRule,
} from "../policies/describe";
import { formatFinding, type Finding } from "../policies/findings";
import { lintPolicy, lintPolicyXml } from "../policies/lint";
import { policySchema, type Policy } from "../policies/model";
import { normalizePolicy, xmlMeaning } from "../policies/normalize";
import { readPolicy } from "../policies/parse";
import { resourceCreatedInThisProcess } from "./altinn-resource";
import * as registry from "./api/resource-registry";
import {
  canonicalJson,
  checkWithSchema,
  containsUnknown,
  userInputs,
  type CheckFailure,
} from "./lib/check";
import type { ProviderContext } from "./lib/context";
import type { ProviderImplementation } from "./lib/provider";
import { runtimeProvider } from "./lib/shell";
import type { ObjectKind } from "./lib/object-kind";
import type { Inputs } from "./lib/types";

export const resourcePolicyInputsSchema = z
  .object({
    /** The resource the policy belongs to; every rule targets it. */
    resourceId: z.string().min(1),
    /** The policy as rules (policies/model.ts); or give `xml`. */
    policy: policySchema.optional(),
    /** The policy as XACML XML, uploaded as given; or give `policy`. */
    xml: z.string().optional(),
    /** The resource's type, for the linter: CorrespondenceService turns on its checks. */
    resourceType: z.string().optional(),
    /** The owner's org code, for the linter: the org that must be able to write and subscribe. */
    owner: z.string().optional(),
  })
  .strict();

export type ResourcePolicyInputs = z.output<typeof resourcePolicyInputsSchema>;
export type ResourcePolicyArgs = Inputs<z.input<typeof resourcePolicyInputsSchema>>;

export interface ResourcePolicyOutputs extends ResourcePolicyInputs {
  /** One sentence per rule, in order. */
  rules: string[];
  /** The authentication levels in words. */
  obligations: string[];
  /** The anonymous download URL of the live policy. */
  policyUrl: string;
}

export const RESOURCE_POLICY_REPLACE_ON = ["resourceId"] as const;

const MANAGED_FIELDS = Object.keys(resourcePolicyInputsSchema.shape) as Array<
  keyof ResourcePolicyInputs
>;

/** The policy an input describes, with what the parser or the linter found. */
export function policyOf(inputs: ResourcePolicyInputs): {
  policy?: Policy;
  findings: Finding[];
} {
  if (inputs.policy) {
    return {
      policy: inputs.policy,
      findings: lintPolicy(inputs.policy, lintContext(inputs)),
    };
  }
  const { policy, findings } = lintPolicyXml(inputs.xml ?? "", lintContext(inputs));
  return { policy, findings };
}

function lintContext(inputs: ResourcePolicyInputs) {
  return { resourceId: inputs.resourceId, resourceType: inputs.resourceType, owner: inputs.owner };
}

/** The linter's errors as check failures, on the property they are about. */
export function validatePolicyInputs(inputs: ResourcePolicyInputs): {
  failures: CheckFailure[];
  warnings: Finding[];
  policy?: Policy;
} {
  if ((inputs.policy === undefined) === (inputs.xml === undefined)) {
    return {
      failures: [
        {
          property: "policy",
          reason:
            inputs.policy === undefined
              ? "give the policy as rules (policy) or as XACML (xml)"
              : "give the policy as rules (policy) or as XACML (xml), not both",
        },
      ],
      warnings: [],
    };
  }
  const { policy, findings } = policyOf(inputs);
  // The engine prints a failing property's whole value: XML is named in the reason instead.
  const failures = findings
    .filter((finding) => finding.severity === "error")
    .map((finding) => ({
      property: inputs.policy ? (finding.path ? `policy.${finding.path}` : "policy") : "",
      reason: `${inputs.policy ? "" : "xml: "}${formatFinding(finding).replace(/^error: /, "")}`,
    }));
  return { failures, warnings: findings.filter((f) => f.severity === "warning"), policy };
}

/** What a policy means, for comparison; undefined when it cannot be read. */
function meaningOf(props: Record<string, unknown>): string | undefined {
  return inputsMeaning(managedInputs(props));
}

/** XML is compared by meaning too, through the model or, beyond it, the XACML tree. */
function inputsMeaning(inputs: ResourcePolicyInputs): string | undefined {
  if (inputs.xml !== undefined) return xmlMeaning(inputs.xml, inputs.resourceId);
  const policy = modelOf(inputs);
  return policy ? canonicalJson(normalizePolicy(policy, inputs.resourceId)) : undefined;
}

function modelOf(inputs: ResourcePolicyInputs): Policy | undefined {
  if (inputs.policy) {
    const parsed = policySchema.safeParse(inputs.policy);
    return parsed.success ? parsed.data : undefined;
  }
  return inputs.xml === undefined
    ? undefined
    : readPolicy(inputs.xml, { resourceId: inputs.resourceId }).policy;
}

/** The XML to upload: the model built, or the XML as the user wrote it. */
export function policyXml(inputs: ResourcePolicyInputs): string {
  if (inputs.policy) return buildPolicyXml(inputs.policy, { resourceId: inputs.resourceId });
  return inputs.xml!;
}

function managedInputs(props: Record<string, unknown>): ResourcePolicyInputs {
  const inputs = userInputs(props);
  return Object.fromEntries(
    MANAGED_FIELDS.filter((f) => inputs[f] !== undefined).map((f) => [f, inputs[f]]),
  ) as ResourcePolicyInputs;
}

/** The rules and obligations in words: from the model, or from XML the model cannot hold. */
function derived(inputs: ResourcePolicyInputs): { rules: string[]; obligations: string[] } {
  const policy = modelOf(inputs);
  if (policy) {
    return { rules: policy.rules.map(describeRule), obligations: describeObligations(policy) };
  }
  const document = inputs.xml === undefined ? undefined : readPolicy(inputs.xml).document;
  return document
    ? {
        rules: document.rules.map(describeXacmlRule),
        obligations: describeXacmlObligations(document),
      }
    : { rules: [], obligations: [] };
}

function outputsOf(ctx: ProviderContext, inputs: ResourcePolicyInputs): ResourcePolicyOutputs {
  return {
    ...inputs,
    ...derived(inputs),
    policyUrl: registry.policyUrl(ctx, inputs.resourceId),
  };
}

export const resourcePolicyImplementation: ProviderImplementation = {
  async check(ctx, _olds, news) {
    const result = checkWithSchema(resourcePolicyInputsSchema, news);
    if (result.failures.length > 0 || result.inputs === news) return result;
    const inputs = managedInputs(result.inputs);
    const { failures, warnings } = validatePolicyInputs(inputs);
    for (const warning of warnings) {
      ctx.warn(`policy of ${inputs.resourceId}: ${formatFinding(warning)}`);
    }
    if (failures.length > 0) return { inputs: news, failures };
    return { inputs: { ...result.inputs, ...derived(inputs) }, failures: [] };
  },

  async diff(_ctx, _id, olds, news) {
    const resourceChanged = olds.resourceId !== news.resourceId;
    if (containsUnknown(userInputs(news))) {
      return { changes: true, replaces: resourceChanged ? ["resourceId"] : [] };
    }
    const before = meaningOf(olds);
    const after = meaningOf(news);
    const changes = resourceChanged || before === undefined || before !== after;
    return { changes, replaces: resourceChanged ? [...RESOURCE_POLICY_REPLACE_ON] : [] };
  },

  async create(ctx, props) {
    const inputs = managedInputs(props);
    // A policy already in force with the declared meaning (an adopted resource's, or our own
    // upload whose answer was lost) is kept as it is: uploading it again changes nothing. A
    // resource this process just created has none.
    const live = resourceCreatedInThisProcess(ctx, inputs.resourceId)
      ? undefined
      : await registry.getPolicy(ctx, inputs.resourceId);
    const liveMeaning = live === undefined ? undefined : xmlMeaning(live, inputs.resourceId);
    const declared = inputsMeaning(inputs);
    if (liveMeaning === undefined || declared === undefined || liveMeaning !== declared) {
      await registry.writePolicy(ctx, inputs.resourceId, policyXml(inputs), "POST");
    }
    return { id: inputs.resourceId, outs: outputsOf(ctx, inputs) };
  },

  async read(ctx, id, props) {
    const live = await registry.getPolicy(ctx, id);
    if (live === undefined) return {};
    const stored = managedInputs(props);
    const context = {
      resourceId: id,
      ...(stored.resourceType !== undefined ? { resourceType: stored.resourceType } : {}),
      ...(stored.owner !== undefined ? { owner: stored.owner } : {}),
    };
    const livePolicy = readPolicy(live, { resourceId: id }).policy;
    const liveMeaning = xmlMeaning(live, id);
    let inputs: ResourcePolicyInputs;
    if (liveMeaning !== undefined && liveMeaning === inputsMeaning({ ...stored, resourceId: id })) {
      // The same meaning (perhaps reordered or reformatted): no drift to report.
      inputs = { ...stored, ...context };
    } else if (livePolicy && stored.xml === undefined) {
      inputs = { ...context, policy: livePolicy };
    } else {
      inputs = { ...context, xml: live };
    }
    // The sentences go into the inputs too: the next preview diffs them against the program's.
    return {
      id,
      props: outputsOf(ctx, inputs),
      inputs: { ...inputs, ...derived(inputs) },
    };
  },

  async update(ctx, _id, _olds, news) {
    const inputs = managedInputs(news);
    await registry.writePolicy(ctx, inputs.resourceId, policyXml(inputs), "PUT");
    return { outs: outputsOf(ctx, inputs) };
  },

  async delete(ctx, id) {
    ctx.warn(
      `the policy of resource ${id} is no longer managed, but stays in force: the Resource Registry has no call to delete a policy (it is deleted with its resource)`,
    );
  },
};

/**
 * The access policy of a Resource Registry resource, from rules or XML.
 *
 * ```ts
 * new ResourcePolicy("melding-policy", {
 *   resourceId: "digdir-melding",
 *   policy: correspondencePolicy("digdir", { recipients: { roles: ["DAGL"] } }),
 *   resourceType: "CorrespondenceService",
 *   owner: "digdir",
 * }, { dependsOn: [resource] });
 * ```
 */
export class ResourcePolicy extends pulumi.dynamic.Resource {
  declare readonly resourceId: pulumi.Output<string>;
  declare readonly rules: pulumi.Output<string[]>;
  declare readonly obligations: pulumi.Output<string[]>;
  declare readonly policyUrl: pulumi.Output<string>;

  constructor(name: string, args: ResourcePolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      resourcePolicyProvider,
      name,
      { ...args, rules: undefined, obligations: undefined, policyUrl: undefined },
      opts,
      "altinn",
      "ResourcePolicy",
    );
  }
}

const resourcePolicyProvider = runtimeProvider("ResourcePolicy");

export const resourcePolicyKind = {
  kind: "ResourcePolicy",
  implementation: resourcePolicyImplementation,
} as const satisfies ObjectKind;
