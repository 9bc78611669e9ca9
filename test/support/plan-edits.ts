import fc from "fast-check";
import { parseDocument } from "yaml";
import { mergeSetup } from "../../program/export-merge";
import { uniqueName } from "../../program/export-setup";
import { promoteStack } from "../../program/promote-stack";
import type { ProviderKind } from "../../providers/object-kinds";

/**
 * Stack-file edits for the plan-safety property (test/program/plan-safety.property.test.ts) and
 * its real-engine run (test/e2e/plan-safety.e2e.test.ts): renames with and without aliases,
 * adoption by client_id, removals, emptied lists, an export (writeSetup of what is live, named as
 * export names it) and a promote (promoteStack).
 */

export type Values = Record<string, unknown>;

export interface StateEntry {
  kind: ProviderKind;
  name: string;
  /** The remote object: `client:<id>`, `jwks:<client id>`, `list:...`, `subscription:...`. */
  remote: string;
}

export interface World {
  values: Values;
  state: StateEntry[];
  remote: Set<string>;
  nextId: number;
}

export function stackText(values: Values): string {
  return `config:\n${Object.entries(values)
    .map(([k, v]) => `  altinn-iac:${k}: ${JSON.stringify(v)}`)
    .join("\n")}\n`;
}

export function valuesOf(text: string): Values {
  const config = (parseDocument(text).toJS() as { config?: Values }).config ?? {};
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k.replace(/^altinn-iac:/, ""), v]),
  );
}

export type Edit = (world: World) => void;
type Entry = Record<string, unknown>;
const list = (values: Values, key: string) => ((values[key] as Entry[] | undefined) ?? []).slice();

const NAMES = ["sender", "reader", "melding-sender", "ops", "events", "melding-events"];

/** The edits; subscriptions point at `endPointBase` + /a or /b. */
export function planEdits(
  endPointBase: string,
  { promote = true } = {},
): fc.Arbitrary<{ label: string; edit: Edit }> {
  const edits: Array<fc.Arbitrary<{ label: string; edit: Edit }>> = [
    fc
      .record({ name: fc.constantFrom(...NAMES), text: fc.constantFrom("A", "B", "C") })
      .map(({ name, text }) => ({
        label: `add client ${name}`,
        edit: (w: World) => {
          const clients = list(w.values, "maskinportenClients").filter((c) => c.name !== name);
          clients.push({ name, clientName: `Client ${text}`, description: `Sends ${name}` });
          w.values.maskinportenClients = clients;
        },
      })),
    fc
      .record({ name: fc.constantFrom(...NAMES), alias: fc.boolean(), adopt: fc.boolean() })
      .map(({ name, alias, adopt }) => ({
        label: `rename the first client to ${name}${alias ? " with an alias" : ""}${adopt ? " naming its client_id" : ""}`,
        edit: (w: World) => {
          const clients = list(w.values, "maskinportenClients");
          const first = clients[0];
          if (!first || clients.some((c) => c.name === name)) return;
          const held = w.state.find(
            (e: StateEntry) => e.kind === "MaskinportenClient" && e.name === first.name,
          );
          clients[0] = {
            ...first,
            name,
            ...(alias ? { aliases: [String(first.name)] } : {}),
            ...(adopt && held ? { clientId: held.remote.slice("client:".length) } : {}),
          };
          w.values.maskinportenClients = clients;
        },
      })),
    fc
      .record({ name: fc.constantFrom(...NAMES), path: fc.constantFrom("/a", "/b") })
      .map(({ name, path }) => ({
        label: `add subscription ${name} to ${path}`,
        edit: (w: World) => {
          const subscriptions = list(w.values, "subscriptions").filter((s) => s.name !== name);
          subscriptions.push({
            name,
            resource: "digdir-melding",
            endPoint: `${endPointBase}${path}`,
          });
          w.values.subscriptions = subscriptions;
        },
      })),
    fc.record({ name: fc.constantFrom(...NAMES), alias: fc.boolean() }).map(({ name, alias }) => ({
      label: `rename the first subscription to ${name}${alias ? " with an alias" : ""}`,
      edit: (w: World) => {
        const subscriptions = list(w.values, "subscriptions");
        const first = subscriptions[0];
        if (!first || subscriptions.some((s) => s.name === name)) return;
        subscriptions[0] = { ...first, name, ...(alias ? { aliases: [String(first.name)] } : {}) };
        w.values.subscriptions = subscriptions;
      },
    })),
    fc.constantFrom("maskinportenClients", "subscriptions", "accessLists").map((key) => ({
      label: `remove the first of ${key}`,
      edit: (w: World) => {
        w.values[key] = list(w.values, key).slice(1);
      },
    })),
    fc
      .record({ id: fc.constantFrom("mottakere", "banker"), empty: fc.boolean() })
      .map(({ id, empty }) => ({
        label: `declare list ${id}${empty ? " empty" : ""}`,
        edit: (w: World) => {
          const lists = list(w.values, "accessLists").filter((l) => l.identifier !== id);
          lists.push({ identifier: id, name: id, members: empty ? [] : ["991825827"] });
          w.values.accessLists = lists;
        },
      })),
    fc.boolean().map((overwriteDifferences) => ({
      label: `export into the stack file${overwriteDifferences ? " overwriting differences" : ""}`,
      edit: (w: World) => {
        // What `npm run export` writes: the live clients by client_id and the live subscriptions,
        // under the names export gives them.
        const taken = new Set<string>();
        const clients = w.state
          .filter((e) => e.kind === "MaskinportenClient")
          .map((e) => {
            const declared = list(w.values, "maskinportenClients").find(
              (c) => c.name === e.name || c.clientId === e.remote.slice("client:".length),
            );
            const clientName = String(declared?.clientName ?? "Client");
            return {
              name: uniqueName(`altinn-iac-${clientName}`, taken),
              clientName,
              description: String(declared?.description ?? "exported"),
              clientId: e.remote.slice("client:".length),
            };
          });
        const subscriptions = w.state
          .filter((e) => e.kind === "EventSubscription")
          .map((e) => {
            const [resourceFilter, endPoint] = e.remote.slice("subscription:".length).split(" ");
            const resource = resourceFilter!.replace("urn:altinn:resource:", "");
            return { name: uniqueName(`${resource}-events`, taken), resource, endPoint };
          });
        const managed = new Map(
          w.state
            .filter((e) => e.kind === "MaskinportenClient")
            .map((e) => [e.name, e.remote.slice("client:".length)]),
        );
        const org = w.values.org as { code: string; number: string };
        w.values = valuesOf(
          mergeSetup(
            stackText(w.values),
            {
              setup: {
                resources: list(w.values, "resources"),
                accessLists: list(w.values, "accessLists"),
                maskinportenClients: clients,
                subscriptions,
              },
              notes: [],
              entryNotes: new Map(),
              memberKeys: new Map(),
              subscriptionIds: new Map(),
            },
            [],
            {
              org: { code: org.code, number: String(org.number) },
              overwriteDifferences,
              managed: { clients: managed, subscriptions: new Map() },
            },
          ).text,
        );
      },
    })),
  ];
  // A promote makes the stack test or prod, whose endpoints the simulator does not serve.
  if (promote) edits.push(promoteEdit);
  return fc.oneof(...edits);
}

const promoteEdit: fc.Arbitrary<{ label: string; edit: Edit }> = fc
  .constantFrom<"test" | "prod">("test", "prod")
  .map((environment) => ({
    label: `promote a renamed copy into the stack as ${environment}`,
    edit: (w: World) => {
      const source = structuredClone(w.values);
      source.maskinportenClients = list(source, "maskinportenClients").map((c) => ({
        ...c,
        name: `${String(c.name)}-t`,
      }));
      try {
        w.values = valuesOf(
          promoteStack(stackText(source), stackText(w.values), {
            environment,
            overwriteTargetValues: false,
          }).text,
        );
      } catch {
        // promote refused the target (another environment): the file stays as it was
      }
    },
  }));

export const RESOURCE = {
  identifier: "digdir-melding",
  title: { nb: "M", nn: "M", en: "M" },
  description: { nb: "M", nn: "M", en: "M" },
  rightDescription: { nb: "M", nn: "M", en: "M" },
  contactPoints: [{ category: "Support", email: "s@example.org" }],
};

/** The first stack file: one resource, a client and a subscription. */
export function initialWorld(
  endPointBase: string,
  org: { code: string; number: string },
  resource: Values,
): World {
  return {
    values: {
      environment: "local",
      org,
      preflight: false,
      resources: [resource],
      maskinportenClients: [
        { name: "melding-sender", clientName: "Client A", description: "Sends melding-sender" },
      ],
      subscriptions: [
        { name: "melding-events", resource: "digdir-melding", endPoint: `${endPointBase}/a` },
      ],
    },
    state: [],
    remote: new Set(),
    nextId: 1,
  };
}
