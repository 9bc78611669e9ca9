/**
 * ResourceAccessListMode: the `accessListMode` of a Resource Registry resource, set on its own so a
 * program can switch it on only after the resource's access lists and their connections exist.
 * Enabling it first would make the Altinn PDP deny every party until the lists are filled
 * (docs/altinn-apis.md section 4, "Enforcement"); a connection cannot be made before the
 * resource exists (400 RR-00002). Hence the order resource -> lists + connections -> this.
 *
 * | step          | HTTP                                                                        |
 * |---------------|-----------------------------------------------------------------------------|
 * | create/update | GET /resource/{id}; when the mode differs: PUT /resource/{id}, the live      |
 * |               | document with only accessListMode changed. Before enabling, GET the owner's   |
 * |               | access lists connected to the resource, and warn when there are none         |
 * | read          | GET /resource/{id} (anonymous); 404 -> gone                                 |
 * | delete        | nothing: the mode stays as it is                                            |
 *
 * id: the resource identifier; a new identifier replaces this resource.
 *
 * The AltinnResource must leave the mode alone (`accessListModeManagedSeparately: true`), or each
 * of its updates would put its own value back. Delete writes nothing on purpose: when the program
 * stops enabling the mode, the AltinnResource manages it again and writes its own value (during the
 * update phase, before any list is deleted); when the resource itself goes away, nothing is left to
 * set, and a resource production keeps stays closed rather than open to every party.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { IDENTIFIER_PATTERN } from "./altinn-resource";
import { listsConnectedTo } from "./api/access-lists";
import * as registry from "./api/resource-registry";
import { checkWithSchema, userInputs } from "./lib/check";
import type { ProviderContext } from "./lib/context";
import { readExpected } from "./lib/http";
import type { ProviderImplementation } from "./lib/provider";
import { runtimeProvider } from "./lib/shell";
import type { ObjectKind } from "./lib/object-kind";
import type { Inputs } from "./lib/types";

export const resourceAccessListModeInputsSchema = z
  .object({
    /** The Resource Registry resource whose mode this sets. */
    resourceIdentifier: z
      .string()
      .regex(
        IDENTIFIER_PATTERN,
        'resourceIdentifier must be a resource identifier (lowercase a-z, 0-9, "_" and "-", at least 4 characters): the identifier of the resource to set the mode on',
      ),
    /** @default "Enabled" */
    mode: z.enum(["Disabled", "Enabled"]).default("Enabled"),
  })
  .strict();

export type ResourceAccessListModeInputs = z.output<typeof resourceAccessListModeInputsSchema>;
export type ResourceAccessListModeArgs = Inputs<z.input<typeof resourceAccessListModeInputsSchema>>;

export const RESOURCE_ACCESS_LIST_MODE_REPLACE_ON = ["resourceIdentifier"] as const;

function managedInputs(props: Record<string, unknown>): ResourceAccessListModeInputs {
  const raw = userInputs(props);
  return {
    resourceIdentifier: String(raw.resourceIdentifier),
    mode: raw.mode === "Disabled" ? "Disabled" : "Enabled",
  };
}

function liveMode(doc: registry.ServiceResourceDto): "Disabled" | "Enabled" {
  return doc.accessListMode === "Enabled" ? "Enabled" : "Disabled";
}

async function apply(ctx: ProviderContext, inputs: ResourceAccessListModeInputs): Promise<void> {
  const id = inputs.resourceIdentifier;
  // The resource was created earlier in this update: a fresh one may not be readable at once.
  const live = await readExpected(() => registry.getResource(ctx, id), ctx.settings.retry);
  if (!live) {
    throw new Error(
      `resource ${id} does not exist, so its accessListMode cannot be set: declare the AltinnResource and make this resource depend on it`,
    );
  }
  if (liveMode(live) === inputs.mode) return;
  if (inputs.mode === "Enabled") await warnIfNoListConnected(ctx, live);
  // The document as the server keeps it, with the mode changed; versionId is the server's own.
  const { versionId: _versionId, ...document } = live;
  await registry.updateResource(ctx, {
    ...document,
    identifier: live.identifier,
    accessListMode: inputs.mode,
  });
}

async function warnIfNoListConnected(
  ctx: ProviderContext,
  live: registry.ServiceResourceDto,
): Promise<void> {
  const owner = (live.hasCompetentAuthority as { orgcode?: unknown } | undefined)?.orgcode;
  if (typeof owner !== "string") return;
  const lists = await listsConnectedTo(ctx, owner.toLowerCase(), live.identifier);
  if (lists.some((list) => (list.resourceConnections ?? []).length > 0)) return;
  ctx.warn(
    `accessListMode is being enabled on resource ${live.identifier}, but no access list of ${owner} is connected to it: Altinn now denies every party. Connect an access list with the organisations that should have access`,
  );
}

export const resourceAccessListModeImplementation: ProviderImplementation = {
  async check(_ctx, _olds, news) {
    return checkWithSchema(resourceAccessListModeInputsSchema, news);
  },

  async diff(_ctx, _id, olds, news) {
    const before = managedInputs(olds);
    const after = managedInputs(news);
    const replaces = RESOURCE_ACCESS_LIST_MODE_REPLACE_ON.filter((f) => before[f] !== after[f]);
    return { changes: before.mode !== after.mode || replaces.length > 0, replaces };
  },

  async create(ctx, props) {
    const inputs = managedInputs(props);
    await apply(ctx, inputs);
    return { id: inputs.resourceIdentifier, outs: { ...inputs } };
  },

  async read(ctx, id) {
    const live = await registry.getResource(ctx, id);
    if (!live) return {};
    const inputs: ResourceAccessListModeInputs = { resourceIdentifier: id, mode: liveMode(live) };
    return { id, props: { ...inputs }, inputs: { ...inputs } };
  },

  async update(ctx, _id, _olds, news) {
    const inputs = managedInputs(news);
    await apply(ctx, inputs);
    return { outs: { ...inputs } };
  },

  async delete() {
    // Deliberately nothing: see the header.
  },
};

/**
 * Sets a resource's accessListMode once its access lists exist:
 *
 * ```ts
 * new ResourceAccessListMode("melding-access-list-mode",
 *   { resourceIdentifier: "digdir-melding", mode: "Enabled" },
 *   { dependsOn: [resource, list] });
 * ```
 */
export class ResourceAccessListMode extends pulumi.dynamic.Resource {
  declare readonly resourceIdentifier: pulumi.Output<string>;
  declare readonly mode: pulumi.Output<"Disabled" | "Enabled">;

  constructor(name: string, args: ResourceAccessListModeArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      resourceAccessListModeProvider,
      name,
      { ...args },
      opts,
      "altinn",
      "ResourceAccessListMode",
    );
  }
}

const resourceAccessListModeProvider = runtimeProvider("ResourceAccessListMode");

export const resourceAccessListModeKind = {
  kind: "ResourceAccessListMode",
  implementation: resourceAccessListModeImplementation,
} as const satisfies ObjectKind;
