import type { SimState } from "../../simulator/state";

/**
 * What exists remotely versus what a stack's state knows, as comparable sets of object names:
 * `resource:<id>`, `policy:<id>`, `access-list:<owner>/<id>`, `client:<client_id>` and
 * `key:<client_id>/<kid>`. An orphan is in one set and not the other; a duplicate is a second
 * client with the same name (the server picks client ids, so a retried create makes a twin).
 */
export interface Inventory {
  objects: string[];
  /** Client names held by more than one client. */
  duplicateClientNames: string[];
}

/** The objects in the simulator that were not there in `before` (the seeded state). */
export function simulatorInventory(before: SimState, after: SimState): Inventory {
  const objects: string[] = [];
  const added = <T>(map: Record<string, T>, was: Record<string, T>) =>
    Object.keys(map).filter((key) => !(key in was));
  for (const id of added(after.resources, before.resources)) objects.push(`resource:${id}`);
  for (const id of added(after.policies, before.policies)) objects.push(`policy:${id}`);
  for (const key of added(after.accessLists, before.accessLists)) {
    objects.push(`access-list:${key}`);
  }
  const seededKids = new Set(
    Object.values(before.clients).flatMap((c) => c.jwks.map((k) => `${c.client_id}/${k.kid}`)),
  );
  for (const client of Object.values(after.clients)) {
    if (!(client.client_id in before.clients)) objects.push(`client:${client.client_id}`);
    for (const key of client.jwks) {
      const name = `${client.client_id}/${key.kid}`;
      if (!seededKids.has(name)) objects.push(`key:${name}`);
    }
  }
  const names = Object.values(after.clients).map((c) => c.client_name);
  const duplicateClientNames = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  return { objects: objects.sort(), duplicateClientNames };
}

interface ExportedResource {
  type: string;
  id?: string;
  outputs?: Record<string, unknown>;
}

/** The remote objects a `pulumi stack export` knows, named as `simulatorInventory` names them. */
export function stateInventory(exported: string): string[] {
  const parsed = JSON.parse(exported) as { deployment?: { resources?: ExportedResource[] } };
  const objects: string[] = [];
  for (const resource of parsed.deployment?.resources ?? []) {
    const kind = resource.type.split(":").pop();
    const id = resource.id ?? "";
    const outputs = resource.outputs ?? {};
    switch (kind) {
      case "AltinnResource":
        objects.push(`resource:${id}`);
        break;
      case "ResourcePolicy":
        objects.push(`policy:${id}`);
        break;
      case "AccessList":
        objects.push(`access-list:${id}`);
        break;
      case "MaskinportenClient":
        objects.push(`client:${id}`);
        break;
      case "MaskinportenClientKey": {
        const kids = [outputs.keyId, ...((outputs.previousKeyIds as unknown[]) ?? [])];
        for (const kid of kids) if (typeof kid === "string") objects.push(`key:${id}/${kid}`);
        break;
      }
      default:
        break;
    }
  }
  return objects.sort();
}
