/**
 * MaskinportenClient: a Maskinporten client (integration) of the org, through Digdir's self-service
 * API (docs/altinn-apis.md section 6; providers/api/self-service/).
 *
 * | step    | HTTP                                                                     |
 * |---------|--------------------------------------------------------------------------|
 * | check   | GET /scopes/access/all when scopes are added: each must be APPROVED      |
 * |         | with `clientId` (adoption) on a new resource: GET /clients/{client_id}   |
 * |         | without: GET /clients (once per run), to find the natural key            |
 * | create  | `clientId`: GET /clients/{client_id}, PUT only when it differs;          |
 * |         | else the natural key, then POST /clients (the server picks the id)       |
 * | read    | GET /clients/{client_id}; 404 -> gone                                    |
 * | update  | PUT /clients/{client_id} (the full model)                                |
 * | delete  | DELETE /clients/{client_id}; 404 -> done                                 |
 *
 * id: the client_id. Replaced when `integrationType` changes: the API refuses to change it on an
 * existing client. Keys are not part of the client: MaskinportenClientKey manages the client's JWKS.
 * The client belongs to the org of the self-service admin client (Digdir binds it to the org number
 * in the admin token), so the org is not an input. Adoption and crash-safe creates: adoption.ts; a
 * create whose answer is lost: unconfirmed.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ObjectKind } from "../lib/object-kind";
import { runtimeProvider } from "../lib/shell";
import { clientLifecycle } from "./lifecycle";
import { maskinportenClientImplementation } from "./provider";
import type { MaskinportenClientArgs } from "./schema";

export { fromClientRegistration } from "./mapping";
export { maskinportenClientImplementation } from "./provider";
export type { MaskinportenClientArgs } from "./schema";
export { scopeAccessFailures } from "./scope-access";

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

export const maskinportenClientKind = {
  kind: "MaskinportenClient",
  implementation: maskinportenClientImplementation,
  lifecycle: clientLifecycle,
} as const satisfies ObjectKind;
