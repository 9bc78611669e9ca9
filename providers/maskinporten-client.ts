/**
 * MaskinportenClient: a Maskinporten client (integration) of the org, through Digdir's self-service
 * API (docs/altinn-apis.md section 6; providers/api/self-service.ts).
 *
 * | step    | HTTP                                                                     |
 * |---------|--------------------------------------------------------------------------|
 * | check   | GET /scopes/access/all when scopes are added: each must be APPROVED      |
 * |         | with `clientId` (adoption) on a new resource: GET /clients/{client_id}   |
 * |         | without: GET /clients (once per run), to find the natural key (below)    |
 * | create  | `clientId`: GET /clients/{client_id}, PUT only when it differs;          |
 * |         | else the natural key, then POST /clients (the server picks the id)       |
 * | read    | GET /clients/{client_id}; 404 -> gone                                    |
 * | update  | PUT /clients/{client_id} (the full model)                                |
 * | delete  | DELETE /clients/{client_id}; 404 -> done                                 |
 *
 * id: the client_id. Replaced when `integrationType` changes: the API refuses to change it on an
 * existing client. Keys are not part of the client: MaskinportenClientKey manages the client's JWKS.
 * The client belongs to the org of the self-service admin client (Digdir binds it to the org number
 * in the admin token), so the org is not an input.
 *
 * Crash-safe create: the natural key is the client's name, description and type (the stack file
 * makes it unique among the clients it creates). Before a POST, the org's clients are listed
 * (once per run, shared with check): a client with the key that holds the declared fields is what
 * an interrupted create made (the process died after its POST) and is taken over with no write,
 * as check previews; one with the key and other fields is refused with the fix (clientId).
 *
 * A lost answer: the server picks the client_id, so a POST whose answer does not come cannot just
 * be sent again. Create lists the org's clients (GET /clients) before a retry, and once more when
 * the last attempt's answer is lost; the client the attempt made (same name, description and type,
 * created since the attempt began: `madeByAttempt`) is taken over. When that list fails too, the
 * create is recorded as unconfirmed (a partial create with the id `unconfirmed:<attempt time>` and
 * `createAttemptedAt` in its outputs), and the next up settles it without a twin:
 *
 * | step (unconfirmed id) | HTTP                                                              |
 * |-----------------------|-------------------------------------------------------------------|
 * | diff                  | none: a replacement, deleting first                               |
 * | delete                | GET /clients; DELETE /clients/{client_id} of the client the       |
 * |                       | attempt made, if any (several: fails naming them, deletes none)   |
 * | create                | POST /clients, as above                                           |
 * | read (refresh)        | GET /clients: the client the attempt made is taken over (its      |
 * |                       | client_id becomes the id); none -> gone, so the next up creates it |
 *
 * No twin: the engine repeats the delete until it has seen it succeed, and a repeated delete lists
 * again and finds nothing, so whenever the new POST runs the client the lost attempt made is gone,
 * wherever a process died before (dying during that POST is any create's interrupted POST, the
 * engine's pending create). A client made before the attempt began is never deleted or taken over.
 * A protected resource cannot be replaced: `pulumi refresh` settles it.
 *
 * Adoption: `clientId` takes over an existing client (made in Samarbeidsportalen) by its natural
 * key instead of creating one; preview says `adopting` (and warns when up will change it), or fails
 * when no such client exists in the org. A client that already holds the declared fields is
 * adopted without a write. A different `clientId` later names another client: a replacement.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { editDistance } from "../policies/findings";
import * as selfService from "./api/self-service";
import {
  checkWithSchema,
  containsUnknown,
  jsonEqual,
  userInputs,
  type CheckFailure,
} from "./lib/check";
import { CreatedInThisProcess, oncePerContext, type ProviderContext } from "./lib/context";
import { PartialCreateError, type ProviderImplementation } from "./lib/provider";
import { runtimeProvider } from "./lib/shell";
import type { Inputs } from "./lib/types";
import { environmentProperties } from "./lib/environments";

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
     * @default undefined (create a client)
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

/**
 * The outputs of a create whose outcome is unknown (id `unconfirmed:<createAttemptedAt>`): the
 * declared fields, which with the time say which client the attempt may have made.
 */
export interface UnconfirmedClientOutputs extends MaskinportenClientInputs {
  /** When the attempt began, by this machine's clock (ISO 8601). */
  createAttemptedAt: string;
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
  const approved = access.filter((a) => a.state === "APPROVED").map((a) => a.scope);
  const described = missing.map((scope) => {
    const state = access.find((a) => a.scope === scope)?.state;
    // A typo of a scope the organisation has reads as "not requested": say which one it meant.
    const near =
      state === undefined ? approved.find((a) => editDistance(scope, a) <= 2) : undefined;
    return `${scope} (${state === undefined ? `not requested${near ? `: did you mean ${near}, which it has?` : ""}` : state === "REQUESTED" ? "requested, not yet approved" : "DENIED"})`;
  });
  const altinn = missing.filter((s) => s.startsWith("altinn:"));
  const others = missing.filter((s) => !s.startsWith("altinn:"));
  const asks: string[] = [];
  if (altinn.length > 0) {
    asks.push(
      `ask servicedesk@altinn.no to grant ${org} access to ${listed(altinn)} in ${environmentProperties(environment).description}`,
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
  if (Object.keys(userInputs(olds)).length > 0) return undefined;
  if (declared.clientId === undefined) {
    const existing = await existingClient(ctx, declared);
    if (existing.kind === "none") return undefined;
    if (existing.kind === "refuse")
      return { failure: { property: "clientName", reason: existing.reason } };
    return { adopting: `${adoptionLabel(existing.client)}, already as declared: no write` };
  }
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
 * The org's clients as this process listed them before its first create: a client with the
 * declared name, description and type (the natural key, unique among the stack's new clients) is
 * what an interrupted create made (a POST whose process died). One list per run; a delete in this
 * process forgets it, so a create after deleting the client the list showed does not find it.
 */
const clientsBeforeCreate = oncePerContext(selfService.listClients);

/** What check previews and create does for a new client without `clientId`. */
type ExistingClient =
  | { kind: "none" }
  | { kind: "as-declared"; client: selfService.ClientRegistration }
  | { kind: "refuse"; reason: string };

async function existingClient(
  ctx: ProviderContext,
  inputs: MaskinportenClientInputs,
): Promise<ExistingClient> {
  const same = (await clientsBeforeCreate(ctx)).filter(
    (c) =>
      c.client_name === inputs.clientName &&
      c.description === inputs.description &&
      c.integration_type === inputs.integrationType,
  );
  const [only, ...more] = same;
  if (only === undefined) return { kind: "none" };
  if (more.length === 0 && holdsDeclared(only, inputs))
    return { kind: "as-declared", client: only };
  const ids = same.map((c) => String(c.client_id));
  const found =
    more.length === 0
      ? `client ${ids[0]} has the name "${inputs.clientName}" and the description of this one, but other fields (scopes, token lifetime)`
      : `${same.length} clients (${ids.join(", ")}) have the name "${inputs.clientName}" and the description of this one`;
  return {
    kind: "refuse",
    reason: `${found}, and this stack does not manage ${more.length === 0 ? "it" : "them"}: a create finds what an interrupted create made by name and description, so set clientId: ${ids[0]} to adopt ${more.length === 0 ? "it" : "one"} (its fields are then replaced by the declared ones), or give this client another clientName or description`,
  };
}

/**
 * The org's scope access, read once per provider process: every client a run checks is checked
 * against the same answer, so N new clients cost one read, not N. A failed read is not kept.
 */
const scopeAccessOnce = oncePerContext(selfService.listScopeAccess);

/** The client_id of every client this provider process created. */
const createdHere = new CreatedInThisProcess();

/**
 * Whether this provider process created the client: its key set is then known to be empty until
 * this process registers one, so MaskinportenClientKey need not read it first.
 */
export function createdInThisProcess(ctx: ProviderContext, clientId: string): boolean {
  return createdHere.has(ctx, clientId);
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
  async diff(ctx, id, olds, news) {
    if (isUnconfirmed(id)) {
      ctx.warn(
        `the create of client "${String(olds.clientName)}" at ${attemptedAtOf(id)} was not confirmed: up deletes the client it made, if it made one, and creates the client again ` +
          `(a protected stack cannot replace it: run pulumi refresh first, which takes that client over or forgets the attempt)`,
      );
      return { changes: true, replaces: ["clientId"], deleteBeforeReplace: true };
    }
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
    // The client an interrupted create made is found by its natural key, never made twice.
    const existing = await existingClient(ctx, inputs);
    if (existing.kind === "refuse") throw new Error(existing.reason);
    if (existing.kind === "as-declared") {
      return { id: String(existing.client.client_id), outs: outputsOf(inputs, existing.client) };
    }
    const outcome = await selfService.createClient(ctx, registration);
    if (outcome.kind === "created") {
      createdHere.add(ctx, String(outcome.client.client_id));
      return { id: String(outcome.client.client_id), outs: outputsOf(inputs, outcome.client) };
    }
    if (outcome.kind === "found") {
      const found = outcome.client;
      ctx.warn(
        `the answer to the create of client "${registration.client_name}" was lost: the client it made (${String(found.client_id)}) is taken over, not created again`,
      );
      return { id: String(found.client_id), outs: await takenOver(ctx, inputs, found) };
    }
    throw new PartialCreateError(
      `${UNCONFIRMED_ID_PREFIX}${outcome.attemptedAt}`,
      { ...inputs, createAttemptedAt: outcome.attemptedAt } satisfies UnconfirmedClientOutputs,
      new Error(
        `${outcome.cause.message}\nThe client is recorded as unconfirmed: the next pulumi up deletes the client this attempt made, if it made one, and creates it again ` +
          `(in a protected stack run pulumi refresh first, which takes that client over or forgets the attempt)`,
      ),
    );
  },

  async read(ctx, id, props) {
    if (isUnconfirmed(id)) return readUnconfirmed(ctx, id, props);
    const live = await selfService.readClient(ctx, id);
    if (!live) return {};
    const inputs = fromClientRegistration(live, managedInputs(props));
    return { id, props: outputsOf(inputs, live), inputs: { ...inputs } };
  },

  async update(ctx, id, _olds, news) {
    const inputs = managedInputs(news);
    const updated = await selfService.updateClient(ctx, id, toClientRegistration(inputs));
    return { outs: outputsOf(inputs, { ...updated, client_id: id }) };
  },

  async delete(ctx, id, props) {
    clientsBeforeCreate.forget(ctx);
    if (isUnconfirmed(id)) {
      const made = await madeByUnconfirmed(ctx, id, props);
      if (made.length > 1) throw new Error(severalMadeError(id, props, made));
      if (made[0]) await selfService.deleteClient(ctx, String(made[0].client_id));
      return;
    }
    await selfService.deleteClient(ctx, id);
  },
};

/**
 * Refresh of an unconfirmed create: the client the attempt made is taken over with its client_id
 * as the id, none means the attempt made nothing (gone: the next up creates it), and several are
 * left for the next up's delete to name.
 */
async function readUnconfirmed(
  ctx: ProviderContext,
  id: string,
  props: Record<string, unknown>,
): Promise<pulumi.dynamic.ReadResult> {
  const made = await madeByUnconfirmed(ctx, id, props);
  const [only, ...more] = made;
  if (only === undefined) return {};
  if (more.length > 0) {
    ctx.warn(severalMadeError(id, props, made));
    return { id, props };
  }
  ctx.warn(
    `client "${String(props.clientName)}" was recorded as unconfirmed: the client its create made (${String(only.client_id)}) is taken over`,
  );
  const inputs = fromClientRegistration(only, managedInputs(props));
  return { id: String(only.client_id), props: outputsOf(inputs, only), inputs: { ...inputs } };
}

/** A found client as the resource's outputs; a PUT only when it does not hold the declared fields. */
async function takenOver(
  ctx: ProviderContext,
  inputs: MaskinportenClientInputs,
  live: selfService.ClientRegistration,
): Promise<MaskinportenClientOutputs> {
  if (holdsDeclared(live, inputs)) return outputsOf(inputs, live);
  const clientId = String(live.client_id);
  const updated = await selfService.updateClient(ctx, clientId, toClientRegistration(inputs));
  return outputsOf(inputs, { ...updated, client_id: clientId });
}

/**
 * The id of a create whose outcome is unknown: `unconfirmed:` and the time the attempt began. It
 * cannot be a client_id (Digdir's are UUIDs), so every method knows it for what it is.
 */
export const UNCONFIRMED_ID_PREFIX = "unconfirmed:";

function isUnconfirmed(id: string): boolean {
  return id.startsWith(UNCONFIRMED_ID_PREFIX);
}

/** When the unconfirmed create recorded as `id` began (the id carries it). */
function attemptedAtOf(id: string): string {
  return id.slice(UNCONFIRMED_ID_PREFIX.length);
}

/** The clients the unconfirmed create recorded as `id` and `props` may have made (one list). */
async function madeByUnconfirmed(
  ctx: ProviderContext,
  id: string,
  props: Record<string, unknown>,
): Promise<selfService.ClientRegistration[]> {
  return selfService.madeByAttempt(
    await selfService.listClients(ctx),
    {
      client_name: String(props.clientName),
      description: String(props.description),
      integration_type: String(props.integrationType),
    },
    attemptedAtOf(id),
  );
}

function severalMadeError(
  id: string,
  props: Record<string, unknown>,
  made: readonly selfService.ClientRegistration[],
): string {
  return (
    `the create of client "${String(props.clientName)}" at ${attemptedAtOf(id)} was not confirmed, and ${made.length} clients with its name and description were made since (${made.map((c) => String(c.client_id)).join(", ")}): ` +
    `which one it made cannot be told, so none is deleted or taken over. Delete the one this stack made in Samarbeidsportalen (it has no keys), ` +
    `then forget the attempt with pulumi state delete '<this resource's URN>' (pulumi stack --show-urns lists them) and run pulumi up again`
  );
}

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
