import fc from "fast-check";
import { loadStackConfig, type StackConfig } from "../../program/config";
import { declaredObjects, type DeclaredObject } from "../../program/declared-objects";
import { uniqueName } from "../../program/export-setup";
import { planFindings } from "../../program/plan-guards";
import type { PreviousObject } from "../../program/previous-deployment";
import type { ProviderContext } from "../../providers/lib/context";
import { bindProvider, type ProviderImplementation } from "../../providers/lib/provider";
import type { ProviderKind } from "../../providers/object-kinds";
import {
  initialWorld as firstWorld,
  planEdits,
  RESOURCE,
  type Edit,
  type StateEntry,
  type Values,
  type World,
} from "../support/plan-edits";

const initialWorld = () => firstWorld("https://example.org", ORG, RESOURCE);
const editArbitrary = planEdits("https://example.org");

/**
 * Issue 16's property, without the engine: random sequences of stack-file edits, renames (with and
 * without aliases), exports (writeSetup of what is live, named as export names it) and promotes
 * (promoteStack), each followed by a plan and its apply, never DELETE a remote object that a
 * declared object holds after the apply, and never leave state pointing at a deleted object.
 *
 * The plan is the engine's, modelled: an old object whose URN (kind and name) no declared object
 * has or aliases is deleted after the creates; a declared object no old one matches is created
 * and takes over the remote object its stack entry names (a clientId, an identical subscription)
 * or makes a new one; a matched object whose entry names another remote object is replaced. The
 * guards are program/plan-guards.ts and the delete safety net is bindProvider's, both real.
 * test/e2e/plan-safety.e2e.test.ts runs a generated sequence with the real engine.
 */

const ORG = { code: "digdir", number: "991825827" };

function configOf(values: Values): StackConfig | undefined {
  try {
    return loadStackConfig(
      Object.fromEntries(
        Object.entries(values).map(([k, v]) => [
          `altinn-iac:${k}`,
          typeof v === "string" ? v : JSON.stringify(v),
        ]),
      ),
    );
  } catch {
    return undefined;
  }
}

/** The previous deployment as plan-guards reads it from `pulumi stack export`. */
function previousOf(state: StateEntry[]): PreviousObject[] {
  return state.map((e) => ({
    urn: `urn:pulumi:s::altinn-iac::altinn-iac:index:ServiceOwnerSetup$pulumi-nodejs:dynamic/altinn:${e.kind}::${e.name}`,
    kind: e.kind,
    name: e.name,
    typeChain: `altinn-iac:index:ServiceOwnerSetup$pulumi-nodejs:dynamic/altinn:${e.kind}`,
    protect: false,
    keys: [e.remote],
    inputs: {},
    outputs: {},
  }));
}

interface Applied {
  /** The remote objects whose DELETE was sent. */
  deletes: string[];
  /** The deletes bindProvider's safety net did not send. */
  skippedDeletes: number;
}

/** The engine's plan and its apply, modelled; deletes go through bindProvider's safety net. */
async function planAndApply(world: World, declared: DeclaredObject[]): Promise<Applied> {
  const ctx = { warn: () => undefined } as unknown as ProviderContext;
  const deletes: string[] = [];
  const providers = new Map<string, ReturnType<typeof bindProvider>>();
  const providerOf = (kind: ProviderKind) => {
    let provider = providers.get(kind);
    if (!provider) {
      const implementation = {
        create: async (_c: unknown, inputs: { remote: string }) => ({
          id: inputs.remote.slice(inputs.remote.indexOf(":") + 1),
          outs: {},
        }),
        delete: async (_c: unknown, id: string) => {
          const remote = `${prefixOf(kind)}:${id}`;
          deletes.push(remote);
          world.remote.delete(remote);
        },
      } as unknown as ProviderImplementation;
      providers.set(kind, (provider = bindProvider(implementation, () => ctx, kind)));
    }
    return provider;
  };
  const creates: Array<() => Promise<void>> = [];
  const pendingDeletes: StateEntry[] = [];
  const next: StateEntry[] = [];
  const matched = new Set<StateEntry>();
  const clientRemote = new Map<string, string>();
  for (const d of declared.filter((o) => o.remote)) {
    const old = world.state.find(
      (e) => e.kind === d.kind && (e.name === d.name || d.aliases.includes(e.name)),
    );
    if (old) matched.add(old);
    const named = d.keys[0];
    const keyOfClient =
      d.kind === "MaskinportenClientKey" && !named
        ? () => `jwks:${clientRemote.get(d.name.replace(/-key$/, ""))!.slice("client:".length)}`
        : undefined;
    const wants = () => named ?? keyOfClient?.() ?? old?.remote;
    const replaced = old && named !== undefined && named !== old.remote;
    if (old && !replaced && !(keyOfClient && wants() !== old.remote)) {
      const entry = { kind: d.kind, name: d.name, remote: old.remote };
      next.push(entry);
      if (d.kind === "MaskinportenClient") clientRemote.set(d.name, old.remote);
      continue;
    }
    if (old) pendingDeletes.push(old);
    // A create takes over the remote object its entry names, or makes one.
    const entry: StateEntry = { kind: d.kind, name: d.name, remote: "" };
    const remote = (() => {
      const want = wants();
      if (want !== undefined && (named !== undefined || keyOfClient)) return want;
      return `${prefixOf(d.kind)}:new-${world.nextId++}`;
    })();
    if (d.kind === "MaskinportenClient") clientRemote.set(d.name, remote);
    creates.push(async () => {
      const target = keyOfClient ? keyOfClient() : remote;
      entry.remote = target;
      world.remote.add(target);
      await providerOf(d.kind).create({ remote: target });
    });
    next.push(entry);
  }
  pendingDeletes.push(...world.state.filter((e) => !matched.has(e)));
  let skippedDeletes = 0;
  world.state = next;
  // The engine runs the creates and updates first and the deletes of old objects last.
  for (const create of creates) await create();
  for (const old of pendingDeletes) {
    const before = deletes.length;
    await providerOf(old.kind).delete!(old.remote.slice(old.remote.indexOf(":") + 1), {});
    if (deletes.length === before) skippedDeletes++;
  }
  return { deletes, skippedDeletes };
}

function prefixOf(kind: ProviderKind): string {
  const prefixes: Partial<Record<ProviderKind, string>> = {
    AltinnResource: "resource",
    ResourcePolicy: "policy",
    ResourceAccessListMode: "mode",
    AccessList: "list",
    MaskinportenClient: "client",
    MaskinportenClientKey: "jwks",
    EventSubscription: "subscription",
  };
  return prefixes[kind] ?? kind;
}

/** How many plans were applied and refused over all sequences (a property over refusals alone proves nothing). */
const tally = { applied: 0, refused: 0, safetyNet: 0 };

async function runSequence(
  edits: Array<{ label: string; edit: Edit }>,
  guards: boolean,
): Promise<void> {
  const world = initialWorld();
  const steps: string[] = [];
  for (const { label, edit } of [{ label: "first up", edit: () => undefined }, ...edits]) {
    const before = structuredClone(world.values);
    edit(world);
    steps.push(label);
    const config = configOf(world.values);
    const declared = config && declaredObjects(config);
    const refused =
      !config ||
      (guards && planFindings(config, declared!, previousOf(world.state)).errors.length > 0);
    if (refused) {
      // A refused plan writes nothing; the user goes back to the last good file.
      world.values = before;
      tally.refused++;
      continue;
    }
    tally.applied++;
    const applied = await planAndApply(world, declared!);
    tally.safetyNet += applied.skippedDeletes;
    const held = new Set(world.state.map((e) => e.remote));
    const where = `after ${steps.join(" -> ")}`;
    for (const deleted of applied.deletes) {
      if (held.has(deleted)) throw new Error(`${where}: DELETE of ${deleted}, still declared`);
    }
    for (const entry of world.state) {
      if (!world.remote.has(entry.remote)) {
        throw new Error(`${where}: state holds ${entry.name} -> ${entry.remote}, which is gone`);
      }
    }
    // With the guards, the plan never needed the safety net.
    if (guards && applied.skippedDeletes > 0) {
      throw new Error(`${where}: the guards let through a plan that deletes what it takes over`);
    }
  }
}

describe("plans of random stack-file edits, renames, exports and promotes", () => {
  const sequences = fc.array(editArbitrary, { minLength: 1, maxLength: 8 });

  it("never DELETE a declared object nor leave state on a deleted one (guards and safety net)", async () => {
    Object.assign(tally, { applied: 0, refused: 0, safetyNet: 0 });
    await fc.assert(
      fc.asyncProperty(sequences, (edits) => runSequence(edits, true)),
      { numRuns: 300, seed: 16 },
    );
    // Most plans apply; the guards refuse some (the renames without alias that take over).
    expect(tally.applied).toBeGreaterThan(tally.refused);
    expect(tally.refused).toBeGreaterThan(0);
  });

  it("hold with the provider's safety net alone (guards off)", async () => {
    Object.assign(tally, { applied: 0, refused: 0, safetyNet: 0 });
    await fc.assert(
      fc.asyncProperty(sequences, (edits) => runSequence(edits, false)),
      { numRuns: 300, seed: 17 },
    );
    // The plans the guards refuse happen here, and the safety net keeps what they take over.
    expect(tally.safetyNet).toBeGreaterThan(0);
  });

  it("refuses the export that renamed the demo's client and subscription (issue 16)", async () => {
    const world = initialWorld();
    const config = configOf(world.values)!;
    await planAndApply(world, declaredObjects(config));
    const taken = new Set<string>();
    const clientId = world.state
      .find((e) => e.kind === "MaskinportenClient")!
      .remote.slice("client:".length);
    world.values.maskinportenClients = [
      {
        name: uniqueName("altinn-iac-demo-melding-sender", taken),
        clientName: "Client A",
        description: "Sends melding-sender",
        clientId,
      },
    ];
    const renamed = configOf(world.values)!;
    const { errors } = planFindings(renamed, declaredObjects(renamed), previousOf(world.state));
    expect(errors.map((e) => e.slice(0, e.indexOf(" takes over")))).toStrictEqual([
      "altinn-iac:maskinportenClients.0: altinn-iac-demo-melding-sender",
      "altinn-iac:maskinportenClients.0.key: altinn-iac-demo-melding-sender-key",
    ]);
  });
});
