import { accessListImplementation as impl } from "../../providers/access-list";
import type { ProviderContext } from "../../providers/lib/context";
import { PartialCreateError } from "../../providers/lib/provider";
import { partyOfOrganization } from "../../simulator/parties";
import type { CallRecord } from "../../simulator/server";
import { admin, LISTS, orgNumbers, orgUrn, rawCall } from "../support/access-lists";
import { demoContext, DEMO_ORGNR, lastSeq, useSimulator } from "../support/simulator";

/**
 * The AccessList provider called directly against the simulator over HTTP: the life cycle, the
 * member delta in batches, conflicts and races, adoption and a half-done create. What it does not
 * prove: the engine's part (see test/e2e/access-list.e2e.test.ts) or tt02's own behaviour.
 */

const simulator = useSimulator();
let ctx: ProviderContext;
let counter = 0;
const fresh = () => `liste-${++counter}`;
const uuidUrn = (orgnr: string) => `urn:altinn:party:uuid:${partyOfOrganization(orgnr).uuid}`;

// Each test is a run of its own: a new provider context, as a new provider process has.
beforeEach(() => {
  ctx = demoContext(simulator());
});

beforeAll(async () => {
  for (const id of ["digdir-melding", "digdir-svar"]) {
    await admin(simulator(), "PUT", `/__admin/resources/${id}`, {
      hasCompetentAuthority: { organization: DEMO_ORGNR, orgcode: "digdir" },
    });
  }
});

type Props = Record<string, unknown>;

async function checked(inputs: Props, on: ProviderContext = ctx): Promise<Props> {
  const result = await impl.check(on, {}, inputs);
  expect(result.failures ?? []).toStrictEqual([]);
  return result.inputs!;
}

/** `check` of a list already in the stack's state: it makes no adoption read. */
async function checkedChange(inputs: Props, on: ProviderContext = ctx): Promise<Props> {
  const result = await impl.check(on, spec(String(inputs.identifier)), inputs);
  expect(result.failures ?? []).toStrictEqual([]);
  return result.inputs!;
}

function spec(identifier: string, overrides: Props = {}): Props {
  return { owner: "digdir", identifier, name: "Liste", ...overrides };
}

async function created(inputs: Props): Promise<{ id: string; outs: Props }> {
  const result = await impl.create(ctx, await checked(inputs));
  return { id: result.id, outs: result.outs as Props };
}

function writesSince(seq: number): CallRecord[] {
  return simulator().calls.filter((c) => c.seq > seq && c.write);
}

function summary(calls: CallRecord[]): string[] {
  return calls.map((c) => `${c.method} ${c.path.replace(LISTS, "")} ${c.status}`);
}

/** The organisation numbers on the live list, sorted. */
function liveMembers(identifier: string): string[] {
  const list = simulator().context.state.accessLists[`digdir/${identifier}`]!;
  return Object.keys(list.members)
    .map((uuid) => uuid.slice(-9))
    .sort();
}

describe("AccessList create and read", () => {
  it("creates the list, adds its members 100 at a time and connects its resources", async () => {
    const id = fresh();
    const members = orgNumbers(250);
    const before = lastSeq(simulator());
    const { id: resourceId, outs } = await created(
      spec(id, {
        description: "Banker med avtale",
        members: [...members].reverse(),
        resources: [{ identifier: "digdir-melding", actionFilters: ["read"] }],
      }),
    );
    expect(resourceId).toBe(`digdir/${id}`);
    const writes = writesSince(before);
    // One read, by check: does the list exist already (adoption)? Then the list create makes is
    // known to be empty: every further call is a write, chained by ETag.
    expect(
      simulator()
        .calls.filter((c) => c.seq > before && c.path.startsWith(LISTS) && !c.write)
        .map((c) => `${c.method} ${c.path.slice(LISTS.length)} ${c.status}`),
    ).toStrictEqual(["GET /digdir 200"]);
    expect(summary(writes)).toStrictEqual([
      `PUT /digdir/${id} 200`,
      `POST /digdir/${id}/members 200`,
      `POST /digdir/${id}/members 200`,
      `POST /digdir/${id}/members 200`,
      `PUT /digdir/${id}/resource-connections/digdir-melding 200`,
    ]);
    expect(JSON.parse(writes[1]!.body)).toStrictEqual({ data: members.slice(0, 100).map(orgUrn) });
    expect(JSON.parse(writes[3]!.body)).toStrictEqual({ data: members.slice(200).map(orgUrn) });
    expect(JSON.parse(writes[4]!.body)).toStrictEqual({ actionFilters: ["read"] });
    expect(outs).toStrictEqual({
      owner: "digdir",
      identifier: id,
      name: "Liste",
      description: "Banker med avtale",
      members,
      resources: [{ identifier: "digdir-melding", actionFilters: ["read"] }],
      adopt: false,
      accessListUrn: `urn:altinn:access-list:digdir:${id}`,
    });
    expect(liveMembers(id)).toStrictEqual(members);
  });

  it("reads the list back as the outputs it was created with", async () => {
    const id = fresh();
    const { id: resourceId, outs } = await created(
      spec(id, {
        members: ["991825827", uuidUrn("974760673")],
        resources: [{ identifier: "digdir-melding" }],
      }),
    );
    const read = await impl.read(ctx, resourceId, outs);
    const { accessListUrn: _urn, ...inputs } = outs;
    expect(read).toStrictEqual({ id: resourceId, props: outs, inputs });
  });

  it("reads any number of lists in one run (refresh) with one read of the owner's lists", async () => {
    const made = [await created(spec(fresh())), await created(spec(fresh()))];
    const refresh = demoContext(simulator());
    const before = lastSeq(simulator());
    const reads = await Promise.all(made.map((m) => impl.read(refresh, m.id, m.outs)));
    expect(reads.map((r) => r.id)).toStrictEqual(made.map((m) => m.id));
    const listReads = simulator()
      .calls.filter((c) => c.seq > before && c.path.startsWith(LISTS))
      .map((c) => c.path.slice(LISTS.length))
      .filter((path) => !/\/(members|resource-connections)$/.test(path));
    expect(listReads).toStrictEqual(["/digdir"]);
  });

  it("reports a deleted list as gone, and deleting it again is a no-op", async () => {
    const id = fresh();
    const { id: resourceId, outs } = await created(spec(id, { members: ["991825827"] }));
    await impl.delete(ctx, resourceId, outs);
    expect(simulator().context.state.accessLists[`digdir/${id}`]).toBeUndefined();
    await impl.delete(ctx, resourceId, outs);
    expect(await impl.read(ctx, resourceId, outs)).toStrictEqual({});
    const deletes = simulator().calls.filter(
      (c) => c.method === "DELETE" && c.path === `${LISTS}/digdir/${id}`,
    );
    expect(deletes.map((c) => c.status)).toStrictEqual([200, 204]);
  });
});

describe("AccessList diff", () => {
  it("reports no change for the same members in another order and form", async () => {
    const id = fresh();
    const olds = {
      ...(await checkedChange(spec(id, { members: ["991825827", "974760673"] }))),
      accessListUrn: "x",
    };
    const news = await checkedChange(
      spec(id, { members: [orgUrn("974760673"), " 991825827 ", "974760673"] }),
    );
    expect(await impl.diff(ctx, `digdir/${id}`, olds, news)).toStrictEqual({
      changes: false,
      replaces: [],
    });
  });

  it("replaces the list when its owner or identifier changes", async () => {
    const olds = await checkedChange(spec("a-liste"));
    const renamed = await impl.diff(
      ctx,
      "digdir/a-liste",
      olds,
      await checkedChange(spec("b-liste")),
    );
    const moved = await impl.diff(
      ctx,
      "digdir/a-liste",
      olds,
      await checkedChange({ ...spec("a-liste"), owner: "brg" }),
    );
    const described = await impl.diff(
      ctx,
      "digdir/a-liste",
      olds,
      await checkedChange(spec("a-liste", { description: "Ny" })),
    );
    expect([renamed, moved, described]).toStrictEqual([
      { changes: true, replaces: ["identifier"] },
      { changes: true, replaces: ["owner"] },
      { changes: true, replaces: [] },
    ]);
  });
});

describe("AccessList update", () => {
  it("adds one member with exactly one write call", async () => {
    const id = fresh();
    const members = orgNumbers(250);
    const { id: resourceId, outs } = await created(spec(id, { members }));
    const before = lastSeq(simulator());
    await impl.update(
      ctx,
      resourceId,
      outs,
      await checkedChange(spec(id, { members: [...members, "920000000"] })),
    );
    const writes = writesSince(before);
    expect(summary(writes)).toStrictEqual([`POST /digdir/${id}/members 200`]);
    expect(JSON.parse(writes[0]!.body)).toStrictEqual({ data: [orgUrn("920000000")] });
  });

  it("removes the members it no longer declares and keeps one someone else added", async () => {
    const id = fresh();
    const { id: resourceId, outs } = await created(spec(id, { members: orgNumbers(3) }));
    await admin(simulator(), "POST", `/__admin/access-lists/digdir/${id}/members`, {
      data: [orgUrn("930000000")],
    });
    const before = lastSeq(simulator());
    await impl.update(
      ctx,
      resourceId,
      outs,
      await checkedChange(spec(id, { members: orgNumbers(2) })),
    );
    const writes = writesSince(before);
    expect(summary(writes)).toStrictEqual([`DELETE /digdir/${id}/members 200`]);
    expect(JSON.parse(writes[0]!.body)).toStrictEqual({ data: [uuidUrn("910000002")] });
    expect(liveMembers(id)).toStrictEqual(["910000000", "910000001", "930000000"]);
  });

  it("removes a member added out of band once refresh has recorded it", async () => {
    const id = fresh();
    const { id: resourceId, outs } = await created(spec(id, { members: orgNumbers(2) }));
    await admin(simulator(), "POST", `/__admin/access-lists/digdir/${id}/members`, {
      data: [orgUrn("930000000")],
    });
    const refreshed = await impl.read(ctx, resourceId, outs);
    expect((refreshed.props as Props).members).toStrictEqual([...orgNumbers(2), "930000000"]);
    const news = await checkedChange(spec(id, { members: orgNumbers(2) }));
    expect(await impl.diff(ctx, resourceId, refreshed.props!, news)).toStrictEqual({
      changes: true,
      replaces: [],
    });
    const before = lastSeq(simulator());
    await impl.update(ctx, resourceId, refreshed.props!, news);
    const writes = writesSince(before);
    expect(summary(writes)).toStrictEqual([`DELETE /digdir/${id}/members 200`]);
    expect(JSON.parse(writes[0]!.body)).toStrictEqual({ data: [uuidUrn("930000000")] });
    expect(liveMembers(id)).toStrictEqual(orgNumbers(2));
  });

  it("renames the list with one PUT at the current version and reads no member page", async () => {
    const id = fresh();
    const { id: resourceId, outs } = await created(spec(id, { members: orgNumbers(150) }));
    const before = lastSeq(simulator());
    await impl.update(
      ctx,
      resourceId,
      outs,
      await checkedChange(spec(id, { name: "Nytt navn", members: orgNumbers(150) })),
    );
    const calls = simulator().calls.filter((c) => c.seq > before && c.path.startsWith(LISTS));
    expect(summary(calls)).toStrictEqual([`GET /digdir/${id} 200`, `PUT /digdir/${id} 200`]);
    expect(simulator().context.state.accessLists[`digdir/${id}`]!.name).toBe("Nytt navn");
  });

  it("changes a connection's actions and disconnects a resource it no longer declares", async () => {
    const id = fresh();
    const { id: resourceId, outs } = await created(
      spec(id, {
        resources: [
          { identifier: "digdir-melding", actionFilters: ["read"] },
          { identifier: "digdir-svar" },
        ],
      }),
    );
    const before = lastSeq(simulator());
    await impl.update(
      ctx,
      resourceId,
      outs,
      await checkedChange(
        spec(id, {
          resources: [{ identifier: "digdir-melding", actionFilters: ["read", "subscribe"] }],
        }),
      ),
    );
    expect(summary(writesSince(before))).toStrictEqual([
      `PUT /digdir/${id}/resource-connections/digdir-melding 200`,
      `DELETE /digdir/${id}/resource-connections/digdir-svar 200`,
    ]);
    const list = simulator().context.state.accessLists[`digdir/${id}`]!;
    expect(Object.keys(list.connections)).toStrictEqual(["digdir-melding"]);
    expect(list.connections["digdir-melding"]!.actionFilters).toStrictEqual(["read", "subscribe"]);
  });

  it("creates the list again, with everything it holds, when it was deleted behind the stack's back", async () => {
    const id = fresh();
    const { id: resourceId, outs } = await created(
      spec(id, {
        members: orgNumbers(2),
        resources: [{ identifier: "digdir-melding" }],
      }),
    );
    const token = await ctx.tokens.altinnToken(["altinn:resourceregistry/accesslist.write"]);
    await rawCall(simulator(), "DELETE", `${LISTS}/digdir/${id}`, { token });
    const before = lastSeq(simulator());
    await impl.update(
      ctx,
      resourceId,
      outs,
      await checkedChange(
        spec(id, {
          name: "Igjen",
          members: orgNumbers(2),
          resources: [{ identifier: "digdir-melding" }],
        }),
      ),
    );
    expect(summary(writesSince(before))).toStrictEqual([
      `PUT /digdir/${id} 200`,
      `POST /digdir/${id}/members 200`,
      `PUT /digdir/${id}/resource-connections/digdir-melding 200`,
    ]);
    expect(liveMembers(id)).toStrictEqual(orgNumbers(2));
  });
});

describe("AccessList conflicts", () => {
  it("reads again and retries once when another writer changes the list between its read and its write", async () => {
    const id = fresh();
    const { id: resourceId, outs } = await created(spec(id, { members: orgNumbers(2) }));
    await admin(simulator(), "POST", `/__admin/access-lists/digdir/${id}/race`, {
      addMembers: [orgUrn("940000000")],
    });
    const before = lastSeq(simulator());
    await impl.update(
      ctx,
      resourceId,
      outs,
      await checkedChange(spec(id, { members: [...orgNumbers(2), "920000000"] })),
    );
    expect(summary(writesSince(before))).toStrictEqual([
      `POST /digdir/${id}/members 412`,
      `POST /digdir/${id}/members 200`,
    ]);
    expect(liveMembers(id)).toStrictEqual([...orgNumbers(2), "920000000", "940000000"]);
  });

  it("fails naming the list when another writer gets in twice", async () => {
    const id = fresh();
    const { id: resourceId, outs } = await created(spec(id, { members: orgNumbers(2) }));
    await admin(simulator(), "POST", `/__admin/access-lists/digdir/${id}/race`, {
      addMembers: [orgUrn("940000000")],
      removeMembers: [orgUrn("940000000")],
      times: 2,
    });
    const before = lastSeq(simulator());
    await expect(
      impl.update(
        ctx,
        resourceId,
        outs,
        await checkedChange(spec(id, { members: [...orgNumbers(2), "920000000"] })),
      ),
    ).rejects.toThrow(
      `access list digdir/${id}: another writer changed it twice while this update was being applied (412 Precondition Failed both times); nothing of theirs was overwritten. Run pulumi up again once the other writer is done`,
    );
    expect(summary(writesSince(before))).toStrictEqual([
      `POST /digdir/${id}/members 412`,
      `POST /digdir/${id}/members 412`,
    ]);
  });

  it("loses no member when two writers race on one list", async () => {
    const id = fresh();
    const base = orgNumbers(50);
    const { id: resourceId, outs } = await created(spec(id, { members: base }));
    const first = orgNumbers(60, 920_000_000);
    const second = orgNumbers(60, 930_000_000);
    // Two writers, each with its own provider process (context and token), from the same state,
    // starting together: both read the list at one version, so one of them meets a 412. One
    // batch each, so the winner is done before the loser writes again.
    const writerA = demoContext(simulator());
    const writerB = demoContext(simulator());
    for (const writer of [writerA, writerB]) {
      await writer.tokens.altinnToken(["altinn:resourceregistry/accesslist.write"]);
    }
    const newsA = await checkedChange(spec(id, { members: [...base, ...first] }), writerA);
    const newsB = await checkedChange(spec(id, { members: [...base, ...second] }), writerB);
    const before = lastSeq(simulator());
    await Promise.all([
      impl.update(writerA, resourceId, outs, newsA),
      impl.update(writerB, resourceId, outs, newsB),
    ]);
    expect(writesSince(before).filter((c) => c.status === 412).length).toBeGreaterThan(0);
    expect(liveMembers(id)).toStrictEqual([...base, ...first, ...second]);
  });
});

describe("AccessList that already exists", () => {
  async function existing(id: string, name: string, members: string[]): Promise<void> {
    const token = await ctx.tokens.altinnToken(["altinn:resourceregistry/accesslist.write"]);
    await rawCall(simulator(), "PUT", `${LISTS}/digdir/${id}`, { token, body: { name } });
    if (members.length > 0) {
      await rawCall(simulator(), "POST", `${LISTS}/digdir/${id}/members`, {
        token,
        body: { data: members.map(orgUrn) },
      });
    }
  }

  it("checks any number of new lists in one run with one read of the owner's lists", async () => {
    const [listed, ...unlisted] = [fresh(), fresh(), fresh()];
    await existing(listed!, "Liste", []);
    const before = lastSeq(simulator());
    const previews = await Promise.all(
      [...unlisted, listed!].map((id) => impl.check(ctx, {}, spec(id))),
    );
    expect(
      simulator()
        .calls.filter((c) => c.seq > before && c.path.startsWith(LISTS))
        .map((c) => `${c.method} ${c.path.slice(LISTS.length)} ${c.status}`)
        .sort(),
    ).toStrictEqual([
      "GET /digdir 200",
      `GET /digdir/${listed}/members 200`,
      `GET /digdir/${listed}/resource-connections 200`,
    ]);
    expect(previews.map((p) => p.inputs!.adopting)).toStrictEqual([
      undefined,
      undefined,
      `existing access list digdir/${listed} (name "Liste", 0 member(s), 0 resource connection(s)), already as declared: no write`,
    ]);
  });

  it("rejects at preview, and refuses to create, a list made elsewhere, naming it", async () => {
    const id = fresh();
    await existing(id, "Fra Studio", ["930000000"]);
    const refusal = `access list digdir/${id} already exists and is not managed by this stack (name "Fra Studio", 1 member(s), 0 resource connection(s)): set adopt: true to take it over (its name, description, members and connections are then replaced by the declared ones), or choose another identifier`;
    const preview = await impl.check(ctx, {}, spec(id, { members: orgNumbers(1) }));
    expect(preview.failures).toStrictEqual([{ property: "adopt", reason: refusal }]);
    // The list appeared between preview and up: create refuses it too.
    const inputs = (await impl.check(ctx, spec(id), spec(id, { members: orgNumbers(1) }))).inputs!;
    await expect(impl.create(ctx, inputs)).rejects.toThrow(refusal);
    expect(liveMembers(id)).toStrictEqual(["930000000"]);
  });

  it("previews adopting a list made elsewhere with what it holds, and warns", async () => {
    const id = fresh();
    await existing(id, "Fra Studio", ["930000000"]);
    const warnings: string[] = [];
    const on = demoContext(simulator(), { warn: (m) => warnings.push(m) });
    const inputs = await checked(spec(id, { members: orgNumbers(1), adopt: true }), on);
    const label = `existing access list digdir/${id} (name "Fra Studio", 1 member(s), 0 resource connection(s))`;
    expect(inputs.adopting).toBe(label);
    expect(warnings).toStrictEqual([
      `adopting ${label}: up replaces its name, description, members and connections with the declared ones`,
    ]);
  });

  it("adopts a list that already holds the declared content without any write", async () => {
    const id = fresh();
    await existing(id, "Liste", ["930000000"]);
    const inputs = await checked(spec(id, { members: ["930000000"], adopt: true }));
    expect(inputs.adopting).toBe(
      `existing access list digdir/${id} (name "Liste", 1 member(s), 0 resource connection(s)), already as declared: no write`,
    );
    const before = lastSeq(simulator());
    const result = await impl.create(ctx, inputs);
    expect(result.id).toBe(`digdir/${id}`);
    expect(summary(writesSince(before))).toStrictEqual([]);
  });

  it("adopts a list made elsewhere, replacing its name and members", async () => {
    const id = fresh();
    await existing(id, "Fra Studio", ["930000000", "910000000"]);
    const before = lastSeq(simulator());
    await impl.create(ctx, await checked(spec(id, { members: orgNumbers(2), adopt: true })));
    expect(summary(writesSince(before))).toStrictEqual([
      `PUT /digdir/${id} 200`,
      `POST /digdir/${id}/members 200`,
      `DELETE /digdir/${id}/members 200`,
    ]);
    expect(liveMembers(id)).toStrictEqual(orgNumbers(2));
    expect(simulator().context.state.accessLists[`digdir/${id}`]!.name).toBe("Liste");
  });

  it("takes over an empty list with its own name, as when the answer to its create was lost", async () => {
    const id = fresh();
    await existing(id, "Liste", []);
    const inputs = await checked(spec(id, { members: orgNumbers(1) }));
    expect(inputs.adopting).toBe(
      `existing access list digdir/${id} (name "Liste", 0 member(s), 0 resource connection(s))`,
    );
    const before = lastSeq(simulator());
    await impl.create(ctx, inputs);
    expect(summary(writesSince(before))).toStrictEqual([`POST /digdir/${id}/members 200`]);
  });

  it("creates with no write, as check previews, a list already as declared whose state was lost", async () => {
    const id = fresh();
    await existing(id, "Liste", ["930000000"]);
    const inputs = await checked(spec(id, { members: ["930000000"] }));
    expect(inputs.adopting).toBe(
      `existing access list digdir/${id} (name "Liste", 1 member(s), 0 resource connection(s)), already as declared: no write`,
    );
    const before = lastSeq(simulator());
    expect((await impl.create(ctx, inputs)).id).toBe(`digdir/${id}`);
    expect(summary(writesSince(before))).toStrictEqual([]);
  });

  it("finishes a list its own interrupted create left with some of the declared members", async () => {
    const id = fresh();
    const members = orgNumbers(3);
    await existing(id, "Liste", members.slice(0, 1));
    const inputs = await checked(spec(id, { members }));
    expect(inputs.adopting).toBe(
      `existing access list digdir/${id} (name "Liste", 1 member(s), 0 resource connection(s))`,
    );
    const before = lastSeq(simulator());
    await impl.create(ctx, inputs);
    expect(summary(writesSince(before))).toStrictEqual([`POST /digdir/${id}/members 200`]);
    expect(liveMembers(id)).toStrictEqual(members);
  });
});

describe("AccessList half-done create", () => {
  it("records what exists when a create fails part-way, and the next update finishes it", async () => {
    const id = fresh();
    const members = orgNumbers(150);
    const unknownParty = "urn:altinn:party:uuid:0d6a3f4e-1111-4222-8333-444455556666";
    const error = await impl
      .create(ctx, await checked(spec(id, { members: [...members, unknownParty] })))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(PartialCreateError);
    const partial = error as PartialCreateError;
    expect(partial.id).toBe(`digdir/${id}`);
    expect(partial.message).toContain("[RR-00001]: One or more party references not found.");
    expect(partial.properties.members).toStrictEqual(members.slice(0, 100));

    const before = lastSeq(simulator());
    await impl.update(
      ctx,
      partial.id,
      partial.properties,
      await checkedChange(spec(id, { members })),
    );
    const writes = writesSince(before);
    expect(summary(writes)).toStrictEqual([`POST /digdir/${id}/members 200`]);
    expect(JSON.parse(writes[0]!.body)).toStrictEqual({ data: members.slice(100).map(orgUrn) });
    expect(liveMembers(id)).toStrictEqual(members);
  });
});

describe("AccessList at scale", () => {
  it("creates and reads a list of 10,000 members with 100 member writes and 100 page reads", async () => {
    const id = fresh();
    const members = orgNumbers(10_000);
    const before = lastSeq(simulator());
    const { id: resourceId, outs } = await created(spec(id, { members }));
    const memberWrites = writesSince(before).filter((c) => c.path.endsWith("/members"));
    expect(memberWrites.map((c) => c.status)).toStrictEqual(Array(100).fill(200));
    const beforeRead = lastSeq(simulator());
    const read = await impl.read(ctx, resourceId, outs);
    const pageReads = simulator().calls.filter(
      (c) => c.seq > beforeRead && c.path.endsWith("/members"),
    );
    expect(pageReads).toHaveLength(100);
    expect((read.props as Props).members).toStrictEqual(members);
    expect(simulator().context.state.accessLists[`digdir/${id}`]!.version).toBe(101);
  });
});
