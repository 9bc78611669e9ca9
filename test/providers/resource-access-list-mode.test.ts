import { accessListImplementation } from "../../providers/access-list";
import { altinnResourceImplementation as resources } from "../../providers/altinn-resource";
import type { ProviderContext } from "../../providers/lib/context";
import { resourceAccessListModeImplementation as impl } from "../../providers/resource-access-list-mode";
import type { CallRecord } from "../../simulator/server";
import { currentResource } from "../../simulator/state";
import { demoContext, DEMO_ORGNR, lastSeq, useSimulator } from "../support/simulator";

/**
 * ResourceAccessListMode and the AltinnResource it works with (`accessListModeManagedSeparately`),
 * called directly against the simulator. The ordering in a program is proven by the e2e test.
 */

const simulator = useSimulator();
let ctx: ProviderContext;
let warnings: string[];
type Props = Record<string, unknown>;

beforeEach(() => {
  warnings = [];
  ctx = demoContext(simulator(), { warn: (message) => warnings.push(message) });
});

function resourceSpec(identifier: string, overrides: Props = {}): Props {
  return {
    identifier,
    title: { nb: "Melding", nn: "Melding", en: "Message" },
    description: { nb: "Meldinger", nn: "Meldingar", en: "Messages" },
    rightDescription: { nb: "Lese", nn: "Lese", en: "Read" },
    hasCompetentAuthority: { organization: DEMO_ORGNR, orgcode: "digdir" },
    contactPoints: [{ category: "Support", email: "support@example.org" }],
    accessListModeManagedSeparately: true,
    ...overrides,
  };
}

async function createResource(identifier: string): Promise<Props> {
  const checked = await resources.check(ctx, {}, resourceSpec(identifier));
  expect(checked.failures).toStrictEqual([]);
  return (await resources.create(ctx, checked.inputs!)).outs as Props;
}

async function connectList(listIdentifier: string, resourceIdentifier: string): Promise<void> {
  const checked = await accessListImplementation.check(
    ctx,
    {},
    {
      owner: "digdir",
      identifier: listIdentifier,
      name: "Liste",
      members: ["974760673"],
      resources: [{ identifier: resourceIdentifier }],
    },
  );
  await accessListImplementation.create(ctx, checked.inputs!);
}

function writesSince(seq: number): CallRecord[] {
  return simulator().calls.filter((c) => c.seq > seq && c.write);
}

const mode = (identifier: string) =>
  currentResource(simulator().context.state, identifier)!.accessListMode;

describe("ResourceAccessListMode", () => {
  it("switches the mode on with one PUT of the live document, after finding a connected list", async () => {
    await createResource("digdir-lists-a");
    await connectList("liste-a", "digdir-lists-a");
    const live = currentResource(simulator().context.state, "digdir-lists-a")!;
    const before = lastSeq(simulator());
    const result = await impl.create(ctx, {
      resourceIdentifier: "digdir-lists-a",
      mode: "Enabled",
    });
    expect(result).toStrictEqual({
      id: "digdir-lists-a",
      outs: { resourceIdentifier: "digdir-lists-a", mode: "Enabled" },
    });
    const calls = simulator().calls.filter(
      (c) =>
        c.seq > before &&
        !c.path.startsWith("/maskinporten") &&
        !c.path.startsWith("/authentication"),
    );
    expect(calls.map((c) => `${c.method} ${c.path}${c.query}`)).toStrictEqual([
      "GET /resourceregistry/api/v1/resource/digdir-lists-a",
      "GET /resourceregistry/api/v1/access-lists/digdir?include=resources&resource=digdir-lists-a",
      "PUT /resourceregistry/api/v1/resource/digdir-lists-a",
    ]);
    // The stored document as GET shows it (with the owner's name), with only the mode changed.
    expect(JSON.parse(calls[2]!.body)).toStrictEqual({
      ...live,
      hasCompetentAuthority: {
        ...(live.hasCompetentAuthority as object),
        name: simulator().context.state.orgs.digdir!.name,
      },
      accessListMode: "Enabled",
    });
    expect(mode("digdir-lists-a")).toBe("Enabled");
    expect(warnings).toStrictEqual([]);
  });

  it("writes nothing when the mode already is as declared", async () => {
    await createResource("digdir-lists-b");
    const before = lastSeq(simulator());
    await impl.update(
      ctx,
      "digdir-lists-b",
      {},
      { resourceIdentifier: "digdir-lists-b", mode: "Disabled" },
    );
    expect(writesSince(before)).toStrictEqual([]);
  });

  it("warns when it enables the mode on a resource no access list is connected to", async () => {
    await createResource("digdir-lists-c");
    await impl.create(ctx, { resourceIdentifier: "digdir-lists-c", mode: "Enabled" });
    expect(mode("digdir-lists-c")).toBe("Enabled");
    expect(warnings).toStrictEqual([
      "accessListMode is being enabled on resource digdir-lists-c, but no access list of digdir is connected to it: Altinn now denies every party. Connect an access list with the organisations that should have access",
    ]);
  });

  it("fails naming the resource when it does not exist", async () => {
    await expect(
      impl.create(ctx, { resourceIdentifier: "digdir-finnes-ikke", mode: "Enabled" }),
    ).rejects.toThrow(
      "resource digdir-finnes-ikke does not exist, so its accessListMode cannot be set: declare the AltinnResource and make this resource depend on it",
    );
  });

  it("reads the live mode, reports a deleted resource as gone, and leaves the mode alone on delete", async () => {
    await createResource("digdir-lists-d");
    await impl.create(ctx, { resourceIdentifier: "digdir-lists-d", mode: "Enabled" });
    expect(await impl.read(ctx, "digdir-lists-d", {})).toStrictEqual({
      id: "digdir-lists-d",
      props: { resourceIdentifier: "digdir-lists-d", mode: "Enabled" },
      inputs: { resourceIdentifier: "digdir-lists-d", mode: "Enabled" },
    });
    const before = lastSeq(simulator());
    await impl.delete(ctx, "digdir-lists-d", {});
    expect(writesSince(before)).toStrictEqual([]);
    expect(mode("digdir-lists-d")).toBe("Enabled");
    await resources.delete(ctx, "digdir-lists-d", {});
    expect(await impl.read(ctx, "digdir-lists-d", {})).toStrictEqual({});
  });
});

describe("AltinnResource with accessListModeManagedSeparately", () => {
  it("creates without a mode, sends the live mode back on update and shows no drift for it", async () => {
    const before = lastSeq(simulator());
    const outs = await createResource("digdir-lists-e");
    const created = writesSince(before);
    expect(JSON.parse(created[0]!.body).accessListMode).toBeUndefined();
    expect(outs.accessListMode).toBeUndefined();
    await impl.create(ctx, { resourceIdentifier: "digdir-lists-e", mode: "Enabled" });

    const news = (
      await resources.check(
        ctx,
        {},
        resourceSpec("digdir-lists-e", { title: { nb: "Ny", nn: "Ny", en: "New" } }),
      )
    ).inputs!;
    const beforeUpdate = lastSeq(simulator());
    await resources.update(ctx, "digdir-lists-e", outs, news);
    const put = writesSince(beforeUpdate);
    expect(put.map((c) => c.method)).toStrictEqual(["PUT"]);
    expect(JSON.parse(put[0]!.body).accessListMode).toBe("Enabled");
    expect(mode("digdir-lists-e")).toBe("Enabled");

    const refreshed = await resources.read(ctx, "digdir-lists-e", news);
    expect((refreshed.inputs as Props).accessListMode).toBeUndefined();
    expect((refreshed.inputs as Props).accessListModeManagedSeparately).toBe(true);
    expect(await resources.diff(ctx, "digdir-lists-e", refreshed.props!, news)).toStrictEqual({
      changes: false,
      replaces: [],
    });
  });

  it("rejects accessListMode set together with accessListModeManagedSeparately", async () => {
    const result = await resources.check(
      ctx,
      {},
      resourceSpec("digdir-lists-f", { accessListMode: "Enabled" }),
    );
    expect(result.failures).toStrictEqual([
      {
        property: "accessListMode",
        reason:
          "accessListMode is set by a ResourceAccessListMode resource when accessListModeManagedSeparately is true: remove it here",
      },
    ]);
  });
});
