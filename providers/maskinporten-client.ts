/**
 * MaskinportenClient: a Maskinporten client (integration) of the org, through Digdir's self-service
 * API (../shared/docs/altinn-apis.md section 6; providers/api/self-service.ts).
 *
 * | step    | HTTP                                                                   |
 * |---------|------------------------------------------------------------------------|
 * | check   | GET /scopes/access/all when scopes are added: each must be APPROVED    |
 * |         | with `clientId` (adoption) on a new resource: GET /clients/{client_id} |
 * | create  | `clientId`: GET /clients/{client_id}, PUT only when it differs;          |
 * |         | else GET /clients; a twin (same name, description, type) is taken over |
 * |         | with PUT /clients/{client_id}, else POST /clients (the server picks the id) |
 * | read    | GET /clients/{client_id}; 404 -> gone                                  |
 * | update  | PUT /clients/{client_id} (the full model)                              |
 * | delete  | DELETE /clients/{client_id}; 404 -> done                               |
 *
 * id: the client_id. Replaced when `integrationType` changes: the API refuses to change it on an
 * existing client. Keys are not part of the client: MaskinportenClientKey manages the client's JWKS.
 * The client belongs to the org of the self-service admin client (Digdir binds it to the org number
 * in the admin token), so the org is not an input.
 *
 * Adoption: `clientId` takes over an existing client (made in Samarbeidsportalen) by its natural
 * key instead of creating one; preview says `adopting` (and warns when up will change it), or fails
 * when no such client exists in the org. A client that already holds the declared fields is
 * adopted without a write. A different `clientId` later names another client: a replacement.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import * as selfService from "./api/self-service";
import {
  checkWithSchema,
  containsUnknown,
  jsonEqual,
  userInputs,
  type CheckFailure,
} from "./lib/check";
import type { ProviderContext } from "./lib/context";
import type { ProviderImplementation } from "./lib/provider";
import { runtimeProvider } from "./lib/shell";
import type { Inputs } from "./lib/types";

export const maskinportenClientInputsSchema = z
  .object({
    /** The display name in Samarbeidsportalen. */
    clientName: z
      .string()
      .trim()
      .min(1, "clientName must not be empty: give the client a display name"),
    /** What the client is for; shown in Samarbeidsportalen. */
    description: z
      .string()
      .trim()
      .min(1, "description must not be empty: say what the client is used for"),
    /** Scopes the client may ask Maskinporten for; each must be APPROVED for the org. */
    scopes: z
      .array(z.string().regex(/^\S+$/, "a scope has no spaces, such as altinn:serviceowner"))
      .default([])
      .refine((scopes) => new Set(scopes).size === scopes.length, "scopes must not repeat a scope"),
    integrationType: z.literal("maskinporten").default("maskinporten"),
    applicationType: z
      .literal("web", { error: "applicationType must be web for a Maskinporten client" })
      .default("web"),
    tokenEndpointAuthMethod: z
      .literal("private_key_jwt", {
        error: "tokenEndpointAuthMethod must be private_key_jwt for a Maskinporten client",
      })
      .default("private_key_jwt"),
    grantTypes: z
      .array(
        z.literal(selfService.JWT_BEARER_GRANT, {
          error: `grantTypes must be ["${selfService.JWT_BEARER_GRANT}"] for a Maskinporten client`,
        }),
      )
      .length(1, `grantTypes must be ["${selfService.JWT_BEARER_GRANT}"] for a Maskinporten client`)
      .default([selfService.JWT_BEARER_GRANT]),
    /** Lifetime of the client's access tokens in seconds; the scope's own maximum applies. */
    accessTokenLifetime: z
      .number()
      .int("accessTokenLifetime is a whole number of seconds")
      .positive("accessTokenLifetime is a number of seconds greater than 0")
      .optional(),
    /**
     * Adopt the existing client with this client_id (made in Samarbeidsportalen) instead of
     * creating one; its fields are then replaced by the declared ones.
     * @default undefined (create a client, or take over a twin left by a lost answer)
     */
    clientId: z
      .string()
      .trim()
      .min(1, "clientId must not be empty: give the client_id to adopt")
      .optional(),
  })
  .strict();

export type MaskinportenClientInputs = z.output<typeof maskinportenClientInputsSchema>;
export type MaskinportenClientArgs = Inputs<z.input<typeof maskinportenClientInputsSchema>>;

export interface MaskinportenClientOutputs extends Omit<MaskinportenClientInputs, "clientId"> {
  /** The client_id Digdir gave the client: the `iss` of its JWT grants. */
  clientId: string;
  /** The org number the client belongs to (the self-service admin client's org). */
  clientOrgno: string;
}

export const MASKINPORTEN_CLIENT_REPLACE_ON = ["integrationType"] as const;

const MANAGED_FIELDS = Object.keys(maskinportenClientInputsSchema.shape) as Array<
  keyof MaskinportenClientInputs
>;

/** The fields of the client itself; `clientId` is the key, compared on its own in `diff`. */
const CLIENT_FIELDS = MANAGED_FIELDS.filter((f) => f !== "clientId");

/**
 * The scopes of `requested` that the org may not use, with the fix: Altinn grants the altinn:*
 * scopes through servicedesk@altinn.no, other scopes' owners grant theirs. Empty when all are
 * APPROVED.
 */
export function scopeAccessFailures(
  requested: readonly string[],
  access: readonly selfService.ScopeAccess[],
  environment: ProviderContext["settings"]["environment"],
): CheckFailure[] {
  const missing = requested.filter(
    (scope) => !access.some((a) => a.scope === scope && a.state === "APPROVED"),
  );
  if (missing.length === 0) return [];
  const orgnr = access[0]?.consumer_orgno;
  const org = orgnr ? `organisation ${orgnr}` : "your organisation";
  const described = missing.map((scope) => {
    const state = access.find((a) => a.scope === scope)?.state;
    return `${scope} (${state === undefined ? "not requested" : state === "REQUESTED" ? "requested, not yet approved" : "DENIED"})`;
  });
  const altinn = missing.filter((s) => s.startsWith("altinn:"));
  const others = missing.filter((s) => !s.startsWith("altinn:"));
  const asks: string[] = [];
  if (altinn.length > 0) {
    asks.push(
      `ask servicedesk@altinn.no to grant ${org} access to ${listed(altinn)} in ${environmentName(environment)}`,
    );
  }
  if (others.length > 0) {
    asks.push(`ask the owner of ${listed(others)} to grant ${org} access`);
  }
  const local =
    environment === "local"
      ? ` (in the local simulator: POST /__admin/scope-grants {"orgnr":"${orgnr ?? "<orgnr>"}","scopes":${JSON.stringify(missing)}})`
      : "";
  return [
    {
      property: "scopes",
      reason: `${org} has no APPROVED access to ${listed(described)}: ${asks.join("; ")}${local}, then run pulumi preview again`,
    },
  ];
}

function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function environmentName(environment: ProviderContext["settings"]["environment"]): string {
  if (environment === "prod") return "production";
  if (environment === "test") return "the test environment (tt02 / Maskinporten test)";
  return "the test environment";
}

/** Inputs to the API model. */
export function toClientRegistration(
  inputs: MaskinportenClientInputs,
): selfService.ClientRegistration {
  return {
    client_name: inputs.clientName,
    description: inputs.description,
    integration_type: inputs.integrationType,
    application_type: inputs.applicationType,
    token_endpoint_auth_method: inputs.tokenEndpointAuthMethod,
    grant_types: [...inputs.grantTypes],
    scopes: [...inputs.scopes],
    ...(inputs.accessTokenLifetime !== undefined
      ? { access_token_lifetime: inputs.accessTokenLifetime }
      : {}),
  };
}

/**
 * A live client projected on the fields this resource manages, so refresh compares like with
 * like: the server's own fields (dates, client_orgno) are no drift, and a token lifetime the user
 * did not set is the server's default, not ours.
 */
export function fromClientRegistration(
  live: selfService.ClientRegistration,
  managed: Partial<MaskinportenClientInputs>,
): MaskinportenClientInputs {
  return {
    clientName: live.client_name,
    description: live.description,
    scopes: [...(live.scopes ?? [])],
    integrationType: live.integration_type as "maskinporten",
    applicationType: live.application_type as "web",
    tokenEndpointAuthMethod: live.token_endpoint_auth_method as "private_key_jwt",
    grantTypes: [...(live.grant_types ?? [])] as MaskinportenClientInputs["grantTypes"],
    ...(managed.accessTokenLifetime !== undefined && live.access_token_lifetime !== undefined
      ? { accessTokenLifetime: live.access_token_lifetime }
      : {}),
  };
}

/** Fields compared by diff, normalized: the order of scopes carries no meaning. */
function normalized(
  inputs: Partial<MaskinportenClientInputs>,
  field: keyof MaskinportenClientInputs,
): unknown {
  const value = inputs[field];
  return field === "scopes" && Array.isArray(value) ? [...value].sort() : value;
}

/** Whether the live client already holds every declared field. */
export function holdsDeclared(
  live: selfService.ClientRegistration,
  declared: MaskinportenClientInputs,
): boolean {
  const projected = fromClientRegistration(live, declared);
  return CLIENT_FIELDS.every((f) => jsonEqual(normalized(projected, f), normalized(declared, f)));
}

function adoptionLabel(live: selfService.ClientRegistration): string {
  return `existing client ${String(live.client_id)} ("${live.client_name}")`;
}

function missingClientError(clientId: string): string {
  return `client ${clientId} does not exist, or belongs to another organisation than the self-service admin client's: check clientId (the client_id in Samarbeidsportalen), or remove it to create a new client`;
}

function managedInputs(props: Record<string, unknown>): MaskinportenClientInputs {
  const inputs = userInputs(props);
  return Object.fromEntries(
    MANAGED_FIELDS.filter((f) => inputs[f] !== undefined).map((f) => [f, inputs[f]]),
  ) as MaskinportenClientInputs;
}

function outputsOf(
  inputs: MaskinportenClientInputs,
  live: selfService.ClientRegistration,
): MaskinportenClientOutputs {
  return {
    ...inputs,
    clientId: String(live.client_id),
    clientOrgno: String(live.client_orgno ?? ""),
  };
}

/** The scopes added since the last up must be APPROVED for the org (one read, none when none). */
async function scopeCheck(
  ctx: ProviderContext,
  olds: Record<string, unknown>,
  result: { inputs: Record<string, unknown>; failures: CheckFailure[] },
): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
  const requested = (result.inputs.scopes ?? []) as string[];
  // Scopes already on the client were accepted when they were added; only new ones need the
  // read, so a preview with no new scopes makes no call at all.
  const before = Array.isArray(olds.scopes) ? (olds.scopes as string[]) : [];
  const added = requested.filter((scope) => !before.includes(scope));
  if (added.length === 0) return result;
  const access = await scopeAccessOnce(ctx);
  return {
    inputs: result.inputs,
    failures: scopeAccessFailures(added, access, ctx.settings.environment),
  };
}

/**
 * A new resource with `clientId`: the client must exist in the org; says what up will do with it.
 * Undefined when there is nothing to adopt.
 */
async function adoptionPreview(
  ctx: ProviderContext,
  olds: Record<string, unknown>,
  declared: MaskinportenClientInputs,
): Promise<{ adopting: string } | { failure: CheckFailure } | undefined> {
  if (declared.clientId === undefined || Object.keys(userInputs(olds)).length > 0) return undefined;
  const live = await selfService.getClient(ctx, declared.clientId);
  if (!live)
    return { failure: { property: "clientId", reason: missingClientError(declared.clientId) } };
  if (holdsDeclared(live, declared)) {
    return { adopting: `${adoptionLabel(live)}, already as declared: no write` };
  }
  ctx.warn(
    `adopting ${adoptionLabel(live)}: up replaces its name, description and scopes with the declared ones`,
  );
  return { adopting: adoptionLabel(live) };
}

/**
 * The org's scope access, read once per provider process: every client a run checks is checked
 * against the same answer, so N new clients cost one read, not N. A failed read is not kept.
 */
const scopeAccessByContext = new WeakMap<ProviderContext, Promise<selfService.ScopeAccess[]>>();

function scopeAccessOnce(ctx: ProviderContext): Promise<selfService.ScopeAccess[]> {
  let pending = scopeAccessByContext.get(ctx);
  if (!pending) {
    pending = selfService.listScopeAccess(ctx);
    scopeAccessByContext.set(ctx, pending);
    pending.catch(() => scopeAccessByContext.delete(ctx));
  }
  return pending;
}

/**
 * The org's clients as they were before this provider process created any, listed once: a twin
 * left by a create whose answer was lost in an earlier run is in it, and a retried POST in this
 * run lists again (`createClient`'s safeToRetry). N new clients then cost one list, not N.
 */
const clientsBeforeByContext = new WeakMap<
  ProviderContext,
  Promise<selfService.ClientRegistration[]>
>();

function clientsBefore(ctx: ProviderContext): Promise<selfService.ClientRegistration[]> {
  let pending = clientsBeforeByContext.get(ctx);
  if (!pending) {
    pending = selfService.listClients(ctx);
    clientsBeforeByContext.set(ctx, pending);
    pending.catch(() => clientsBeforeByContext.delete(ctx));
  }
  return pending;
}

/** The client_id of every client this provider process created, by context. */
const createdByContext = new WeakMap<ProviderContext, Set<string>>();

/**
 * Whether this provider process created the client: its key set is then known to be empty until
 * this process registers one, so MaskinportenClientKey need not read it first.
 */
export function createdInThisProcess(ctx: ProviderContext, clientId: string): boolean {
  return createdByContext.get(ctx)?.has(clientId) ?? false;
}

export const maskinportenClientImplementation: ProviderImplementation = {
  async check(ctx, olds, news) {
    const result = checkWithSchema(maskinportenClientInputsSchema, news);
    if (result.failures.length > 0 || containsUnknown(userInputs(news).scopes)) return result;
    // Inputs still unknown in preview are checked at up; adoption reads only with all known.
    const adoption =
      result.inputs === news
        ? undefined
        : await adoptionPreview(ctx, olds, managedInputs(result.inputs));
    if (adoption && "failure" in adoption) {
      return { inputs: result.inputs, failures: [adoption.failure] };
    }
    const scopes = await scopeCheck(ctx, olds, result);
    return adoption
      ? { ...scopes, inputs: { ...scopes.inputs, adopting: adoption.adopting } }
      : scopes;
  },
  async diff(_ctx, _id, olds, news) {
    const before = managedInputs(olds);
    const after = managedInputs(news);
    const changed: string[] = CLIENT_FIELDS.filter(
      (f) => !jsonEqual(normalized(before, f), normalized(after, f)),
    );
    // Declaring the client_id of the client already managed is no change; another id is another client.
    if (after.clientId !== undefined && after.clientId !== before.clientId)
      changed.push("clientId");
    const replaces = changed.filter((f) =>
      ([...MASKINPORTEN_CLIENT_REPLACE_ON, "clientId"] as readonly string[]).includes(f),
    );
    return { changes: changed.length > 0, replaces };
  },

  async create(ctx, props) {
    const inputs = managedInputs(props);
    const registration = toClientRegistration(inputs);
    if (inputs.clientId !== undefined) {
      const live = await selfService.getClient(ctx, inputs.clientId);
      if (!live) throw new Error(missingClientError(inputs.clientId));
      if (holdsDeclared(live, inputs))
        return { id: inputs.clientId, outs: outputsOf(inputs, live) };
      const updated = await selfService.updateClient(ctx, inputs.clientId, registration);
      return {
        id: inputs.clientId,
        outs: outputsOf(inputs, { ...updated, client_id: inputs.clientId }),
      };
    }
    // The server picks the client_id, so a create whose answer was lost leaves a client that
    // state does not know. Taking over the client with the same name, description and type (as
    // digdirator matches clients) lets the next up finish the job instead of making a twin.
    const twins = (await clientsBefore(ctx)).filter(
      (c) =>
        c.client_name === registration.client_name &&
        c.description === registration.description &&
        c.integration_type === registration.integration_type,
    );
    if (twins.length > 1) {
      throw new Error(
        `the organisation already has ${twins.length} clients named "${registration.client_name}" with this description (${twins.map((c) => c.client_id).join(", ")}): ` +
          `delete the ones not in use (Samarbeidsportalen), or give this client another clientName or description`,
      );
    }
    const twin = twins[0];
    if (twin) {
      ctx.warn(
        `client "${registration.client_name}" (${String(twin.client_id)}) already exists with this description: it is taken over and updated, not created again`,
      );
      const updated = await selfService.updateClient(ctx, String(twin.client_id), registration);
      return {
        id: String(twin.client_id),
        outs: outputsOf(inputs, { ...updated, client_id: twin.client_id }),
      };
    }
    const created = await selfService.createClient(ctx, registration);
    const createdHere = createdByContext.get(ctx) ?? new Set<string>();
    createdByContext.set(ctx, createdHere.add(String(created.client_id)));
    return { id: String(created.client_id), outs: outputsOf(inputs, created) };
  },

  async read(ctx, id, props) {
    const live = await selfService.getClient(ctx, id);
    if (!live) return {};
    const inputs = fromClientRegistration(live, managedInputs(props));
    return { id, props: outputsOf(inputs, live), inputs: { ...inputs } };
  },

  async update(ctx, id, _olds, news) {
    const inputs = managedInputs(news);
    const updated = await selfService.updateClient(ctx, id, toClientRegistration(inputs));
    return { outs: outputsOf(inputs, { ...updated, client_id: id }) };
  },

  async delete(ctx, id) {
    await selfService.deleteClient(ctx, id);
  },
};

/**
 * A Maskinporten client of the org, managed declaratively through Digdir's self-service API.
 *
 * ```ts
 * const client = new MaskinportenClient("sender", {
 *   clientName: "digdir melding sender",
 *   description: "Sends Altinn messages for the melding service",
 *   scopes: ["altinn:serviceowner", "altinn:correspondence.write"],
 * });
 * new MaskinportenClientKey("sender-key", { clientId: client.clientId });
 * ```
 */
export class MaskinportenClient extends pulumi.dynamic.Resource {
  declare readonly clientId: pulumi.Output<string>;
  declare readonly clientOrgno: pulumi.Output<string>;
  declare readonly clientName: pulumi.Output<string>;
  declare readonly scopes: pulumi.Output<string[]>;

  constructor(name: string, args: MaskinportenClientArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      maskinportenClientProvider,
      name,
      // An adopted client's id is known at preview: it is the one declared.
      { ...args, clientId: args.clientId, clientOrgno: undefined },
      opts,
      "altinn",
      "MaskinportenClient",
    );
  }
}

const maskinportenClientProvider = runtimeProvider("MaskinportenClient");
