/**
 * ServiceOwnerPreflight: the steps of a service owner's setup that have no API, checked at preview
 * before anything else is created (docs/altinn-apis.md section 8). It manages no remote
 * object; its `check` reads and explains:
 *
 * | step (done by hand)                          | how it is checked                                   |
 * |----------------------------------------------|-----------------------------------------------------|
 * | the org is an Altinn service owner in the env | GET the service-owner list: code, number, environment |
 * | the provisioning client has its scopes        | a Maskinporten token for exactly those scopes       |
 * | Digdir's self-service admin client works      | its scopes cover each operation; one token with them |
 * |                                               | (MP-200 if it lacks one) and GET /scopes/access/all  |
 *
 * Each failure names the manual step, whom to e-mail and what to ask for. The id is the org code.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  heldScopes,
  listScopeAccess,
  SELF_SERVICE_OPERATIONS,
  uncoveredOperations,
} from "./api/self-service";
import { listServiceOwners, type ServiceOwnerEntry } from "./api/service-owners";
import { userInputs, type CheckFailure } from "./lib/check";
import type { ProviderContext } from "./lib/context";
import { isApiError } from "./lib/errors";
import { hasSelfServiceCredentials } from "./lib/settings";
import { lifecycle, readResult } from "./lib/lifecycle";
import type { ObjectKind } from "./lib/object-kind";
import type { ProviderImplementation } from "./lib/provider";
import { runtimeProvider } from "./lib/shell";
import type { Inputs } from "./lib/types";

export const preflightInputsSchema = z
  .object({
    orgCode: z.string(),
    orgNumber: z.string(),
    /** Every scope the provisioning client needs for what the stack declares. */
    scopes: z.array(z.string()),
    /** Whether the stack manages Maskinporten clients (then the self-service admin must work). */
    selfService: z.boolean(),
  })
  .strict();

export type PreflightInputs = z.output<typeof preflightInputsSchema>;
export type PreflightArgs = Inputs<z.input<typeof preflightInputsSchema>>;

/** The service-owner list names Altinn's environments this way. */
const ORG_LIST_ENVIRONMENT = { local: "tt02", test: "tt02", prod: "production" } as const;

export async function serviceOwnerFailures(
  ctx: ProviderContext,
  inputs: PreflightInputs,
): Promise<CheckFailure[]> {
  const environment = ORG_LIST_ENVIRONMENT[ctx.settings.environment];
  let owners: Record<string, ServiceOwnerEntry>;
  try {
    owners = await listServiceOwners(ctx);
  } catch (error) {
    return [
      {
        property: "orgCode",
        reason: `the service-owner list could not be read: ${(error as Error).message}`,
      },
    ];
  }
  const entry = owners[inputs.orgCode];
  const becomeOwner =
    "becoming an Altinn service owner is a manual step: sign the service-owner agreement with Digdir (servicedesk@altinn.no); Altinn then adds the org code to altinn-orgs.json";
  if (!entry) {
    return [
      {
        property: "orgCode",
        reason: `"${inputs.orgCode}" is not an Altinn service owner (not in the service-owner list): ${becomeOwner}`,
      },
    ];
  }
  const failures: CheckFailure[] = [];
  if (entry.orgnr !== inputs.orgNumber && inputs.orgCode !== "ttd") {
    failures.push({
      property: "orgNumber",
      reason: `the service-owner list gives ${inputs.orgCode} the organisation number ${entry.orgnr ?? "(none)"}, not ${inputs.orgNumber}: fix altinn-iac:org.number`,
    });
  }
  if (!(entry.environments ?? []).includes(environment)) {
    failures.push({
      property: "orgCode",
      reason: `${inputs.orgCode} is a service owner, but not in ${environment} (the list has ${JSON.stringify(entry.environments ?? [])}): ask servicedesk@altinn.no to enable the org in ${environment}`,
    });
  }
  return failures;
}

export async function scopeFailures(
  ctx: ProviderContext,
  inputs: PreflightInputs,
): Promise<CheckFailure[]> {
  if (inputs.scopes.length === 0) return [];
  try {
    await ctx.tokens.maskinportenToken(inputs.scopes);
    return [];
  } catch (error) {
    const detail = isApiError(error) ? error.detail : (error as Error).message;
    if (/MP-250/.test(detail)) {
      return [
        {
          property: "scopes",
          reason: `the org has not been granted every scope the provisioning client needs (${detail}): e-mail servicedesk@altinn.no asking that organisation ${inputs.orgNumber} (${inputs.orgCode}) be given access to ${inputs.scopes.filter((s) => detail.includes(s)).join(", ") || inputs.scopes.join(", ")}`,
        },
      ];
    }
    if (/MP-200/.test(detail)) {
      return [
        {
          property: "scopes",
          reason: `the provisioning Maskinporten client is not registered with every scope it needs (${detail}): add them to the client in Samarbeidsportalen (${inputs.scopes.join(" ")})`,
        },
      ];
    }
    return [
      {
        property: "scopes",
        reason: `the provisioning client could not get a Maskinporten token: ${(error as Error).message}`,
      },
    ];
  }
}

export async function selfServiceFailures(
  ctx: ProviderContext,
  inputs: PreflightInputs,
): Promise<CheckFailure[]> {
  if (!inputs.selfService) return [];
  const held = heldScopes(ctx);
  // Each operation managing clients and keys needs one of its scopes in the one token asked for.
  const uncovered = uncoveredOperations(held);
  if (uncovered.length > 0) {
    return [
      {
        property: "selfService",
        reason: `altinn-iac:selfServiceScopes (${held.join(" ")}) does not cover what managing Maskinporten clients needs: ${uncovered.join("; ")}. List every idporten:dcr.* scope the self-service admin client holds; if it lacks one, ask servicedesk@digdir.no to add it`,
      },
    ];
  }
  try {
    await listScopeAccess(ctx);
    return [];
  } catch (error) {
    const detail = isApiError(error) ? error.detail : "";
    if (/MP-200/.test(detail)) {
      return [
        {
          property: "selfService",
          reason: `the self-service admin client does not hold every scope in altinn-iac:selfServiceScopes (${detail}): list only the scopes it holds (it needs ${Object.values(
            SELF_SERVICE_OPERATIONS,
          )
            .map((any) => any.join(" or "))
            .join(", ")}), or ask servicedesk@digdir.no to add the missing one`,
        },
      ];
    }
    return [{ property: "selfService", reason: selfServiceSteps(ctx, inputs, error as Error) }];
  }
}

/**
 * What to do when no self-service token could be had, as numbered steps: a problem with the
 * credentials in the stack is fixed there (no e-mail to Digdir); a stack without an admin client
 * starts with the request to Digdir; a client Digdir refuses is checked before a new request.
 */
export function selfServiceSteps(
  ctx: ProviderContext,
  inputs: PreflightInputs,
  error: Error,
): string {
  const request = `e-mail servicedesk@digdir.no asking for a self-service admin client ("selvbetjeningsklient") for organisation ${inputs.orgNumber} with the scopes idporten:dcr.read and idporten:dcr.write, authenticated with your business certificate (\`npm run requests -- --stack <stack>\` prints the text)`;
  const set = [
    "set its client_id: `pulumi config set altinn-iac:selfServiceClientId <client_id>`",
    "set the business certificate chain: `pulumi config set altinn-iac:selfServiceCertificate < business-certificate-chain.pem`",
    "set its private key: `pulumi config set --secret altinn-iac:selfServicePrivateKey < business-certificate-key.pem` (from a .p12: `openssl pkcs12 -in cert.p12 -nodes`)",
  ];
  const numbered = (steps: string[]) => steps.map((step, i) => `\n  ${i + 1}. ${step}`).join("");
  if (!hasSelfServiceCredentials(ctx.settings)) {
    return `the stack manages Maskinporten clients, which needs Digdir's self-service admin client, and the stack has none:${numbered([request, ...set])}`;
  }
  if (error.message.startsWith("altinn-iac:")) {
    return `the self-service admin client's credentials in the stack cannot be used: ${error.message}`;
  }
  return `Digdir's self-service API refused the admin client (${error.message.split("\n")[0]}):${numbered(
    [
      `check that altinn-iac:selfServiceClientId is the admin client Digdir issued to organisation ${inputs.orgNumber}, and that altinn-iac:selfServiceCertificate is the business certificate it was registered with`,
      `if the organisation has no admin client in this environment: ${request}`,
    ],
  )}`;
}

const preflightLifecycle = lifecycle<PreflightInputs>({
  schema: preflightInputsSchema,
  replaceOn: [],
});

export const serviceOwnerPreflightImplementation: ProviderImplementation = {
  async check(ctx, _olds, news) {
    const { result, inputs } = preflightLifecycle.check(news);
    if (!inputs) return result;
    const failures = [
      ...(await serviceOwnerFailures(ctx, inputs)),
      ...(await scopeFailures(ctx, inputs)),
      ...(await selfServiceFailures(ctx, inputs)),
    ];
    return { inputs: result.inputs, failures };
  },

  async diff(_ctx, _id, olds, news) {
    return preflightLifecycle.diff(olds, news);
  },

  async create(_ctx, inputs) {
    return { id: String(inputs.orgCode), outs: userInputs(inputs) };
  },

  async read(_ctx, id, props) {
    return readResult(id, userInputs(props), props);
  },

  async update(_ctx, _id, _olds, news) {
    return { outs: userInputs(news) };
  },

  async delete() {
    // Nothing remote to delete: the preflight only reads.
  },
};

/** The manual steps' checks, run at every preview of the stack. */
export class ServiceOwnerPreflight extends pulumi.dynamic.Resource {
  constructor(name: string, args: PreflightArgs, opts?: pulumi.CustomResourceOptions) {
    super(serviceOwnerPreflightProvider, name, args, opts, "altinn", "ServiceOwnerPreflight");
  }
}

const serviceOwnerPreflightProvider = runtimeProvider("ServiceOwnerPreflight");

export const serviceOwnerPreflightKind = {
  kind: "ServiceOwnerPreflight",
  implementation: serviceOwnerPreflightImplementation,
  lifecycle: preflightLifecycle,
} as const satisfies ObjectKind;
