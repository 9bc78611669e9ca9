import { CreatedInThisProcess, oncePerContext, type ProviderContext } from "../../lib/context";
import { clientListSchema, clientSchema, type ClientRegistration } from "./model";
import { clientPath, selfServiceCall } from "./service";

/** The org's clients: list, read, update and delete (create: create-client.ts). */

export async function listClients(ctx: ProviderContext): Promise<ClientRegistration[]> {
  const response = await selfServiceCall(ctx, {
    operation: "list the organisation's clients",
    method: "GET",
    path: "/clients",
  });
  return response.body(clientListSchema);
}

export async function getClient(
  ctx: ProviderContext,
  clientId: string,
): Promise<ClientRegistration | undefined> {
  const response = await selfServiceCall(ctx, {
    operation: `read client ${clientId}`,
    method: "GET",
    path: clientPath(clientId),
    accept: [404],
  });
  if (response.status === 404) return undefined;
  return response.body(clientSchema);
}

/**
 * The org's clients as `read` (refresh) first saw them in this run: reading N clients costs one
 * list. Every client write of the run forgets it.
 */
export const clientSnapshot = oncePerContext(listClients);

/** The client as listed at this run's first read, or read by itself when not listed. */
export async function readClient(
  ctx: ProviderContext,
  clientId: string,
): Promise<ClientRegistration | undefined> {
  const listed = (await clientSnapshot(ctx)).find((c) => c.client_id === clientId);
  return listed ?? (await getClient(ctx, clientId));
}

export async function updateClient(
  ctx: ProviderContext,
  clientId: string,
  registration: ClientRegistration,
): Promise<ClientRegistration> {
  clientSnapshot.forget(ctx);
  const response = await selfServiceCall(ctx, {
    operation: `update client ${clientId}`,
    method: "PUT",
    path: clientPath(clientId),
    body: registration,
  });
  return response.body(clientSchema);
}

export async function deleteClient(
  ctx: ProviderContext,
  clientId: string,
): Promise<"deleted" | "absent"> {
  clientSnapshot.forget(ctx);
  const response = await selfServiceCall(ctx, {
    operation: `delete client ${clientId}`,
    method: "DELETE",
    path: clientPath(clientId),
    accept: [404],
  });
  return response.status === 404 ? "absent" : "deleted";
}

/** The client_id of every client a MaskinportenClient create of this provider process made. */
const createdHere = new CreatedInThisProcess();

export function recordCreatedClient(ctx: ProviderContext, clientId: string): void {
  createdHere.add(ctx, clientId);
}

/**
 * Whether a MaskinportenClient create of this provider process made the client: its key set is
 * then known to be empty until this process registers one, so MaskinportenClientKey need not
 * read it first.
 */
export function createdInThisProcess(ctx: ProviderContext, clientId: string): boolean {
  return createdHere.has(ctx, clientId);
}
