import {
  altinnResourceImplementation as impl,
  altinnResourceInputsSchema,
} from "../../providers/altinn-resource";
import { findResource } from "../../simulator/state";
import { demoContext, lastSeq, useSimulator, writes } from "../support/simulator";

const simulator = useSimulator();

function declared(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    identifier: id,
    title: { nb: "T", nn: "T", en: "T" },
    description: { nb: "D", nn: "D", en: "D" },
    rightDescription: { nb: "R", nn: "R", en: "R" },
    hasCompetentAuthority: { organization: "991825827", orgcode: "digdir" },
    contactPoints: [{ category: "Support", email: "a@b.no" }],
    ...overrides,
  };
}

/** A resource made in Altinn Studio: stored straight in the simulator, not by the tool. */
async function madeInStudio(id: string, overrides: Record<string, unknown> = {}): Promise<void> {
  const doc = altinnResourceInputsSchema.parse(declared(id, overrides));
  const response = await fetch(`${simulator().url}/__admin/resources/${id}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(doc),
  });
  expect(response.status).toBe(204);
}

function writeCalls(since: number): string[] {
  return writes(simulator(), since).map((c) => `${c.method} ${c.path} ${c.status}`);
}

describe("AltinnResource adoption", () => {
  it("previews adopting an existing resource with adopt, naming it and its version, and warns", async () => {
    await madeInStudio("digdir-adopt-1", { visible: false });
    const warnings: string[] = [];
    const ctx = demoContext(simulator(), { warn: (m) => warnings.push(m) });
    const result = await impl.check(ctx, {}, declared("digdir-adopt-1", { adopt: true }));
    expect(result.failures).toStrictEqual([]);
    expect(result.inputs!.adopting).toBe("existing resource digdir-adopt-1 (version 1)");
    expect(warnings).toStrictEqual([
      "adopting existing resource digdir-adopt-1 (version 1): up replaces its document with the declared one (a new resource version)",
    ]);
  });

  it("rejects at preview a resource that exists with other content when adopt is not set", async () => {
    await madeInStudio("digdir-adopt-2", { visible: false });
    const before = lastSeq(simulator());
    const result = await impl.check(demoContext(simulator()), {}, declared("digdir-adopt-2"));
    expect(result.failures).toStrictEqual([
      {
        property: "adopt",
        reason:
          "resource digdir-adopt-2 already exists (version 1) with other content than declared, and this stack does not manage it: set adopt: true to take it over (its document is then replaced by the declared one), or choose another identifier",
      },
    ]);
    expect(writeCalls(before)).toStrictEqual([]);
  });

  it("fails create without adopt when the resource exists with other content, changing nothing", async () => {
    await madeInStudio("digdir-adopt-3", { visible: false });
    const ctx = demoContext(simulator());
    const checked = (await impl.check(ctx, { x: 1 }, declared("digdir-adopt-3"))).inputs!;
    const before = lastSeq(simulator());
    await expect(impl.create(ctx, checked)).rejects.toThrow(
      "resource digdir-adopt-3 already exists (version 1) with other content than declared, and this stack does not manage it: set adopt: true",
    );
    // Create posts first (a new resource costs one call); the refused POST changes nothing.
    expect(writeCalls(before)).toStrictEqual(["POST /resourceregistry/api/v1/resource 409"]);
    expect(findResource(simulator().context.state, "digdir-adopt-3")!.versions).toHaveLength(1);
  });

  it("adopts a resource that already holds the declared document without writing, keeping its version", async () => {
    await madeInStudio("digdir-adopt-4");
    const ctx = demoContext(simulator());
    const checked = await impl.check(ctx, {}, declared("digdir-adopt-4"));
    expect(checked.inputs!.adopting).toBe(
      "existing resource digdir-adopt-4 (version 1), already as declared: no write",
    );
    const before = lastSeq(simulator());
    const created = await impl.create(ctx, checked.inputs!);
    expect(created.id).toBe("digdir-adopt-4");
    expect(writeCalls(before)).toStrictEqual([]);
    expect(findResource(simulator().context.state, "digdir-adopt-4")!.versions).toHaveLength(1);
  });

  it("takes over with adopt by one PUT of the declared document, a new version", async () => {
    await madeInStudio("digdir-adopt-5", { visible: false });
    const ctx = demoContext(simulator());
    const checked = (await impl.check(ctx, {}, declared("digdir-adopt-5", { adopt: true })))
      .inputs!;
    const before = lastSeq(simulator());
    await impl.create(ctx, checked);
    expect(writeCalls(before)).toStrictEqual([
      "PUT /resourceregistry/api/v1/resource/digdir-adopt-5 200",
    ]);
    const stored = findResource(simulator().context.state, "digdir-adopt-5")!;
    expect(stored.versions.map((v) => v.visible)).toStrictEqual([false, true]);
  });

  it("does not read the live resource in check once the resource is in the stack", async () => {
    await madeInStudio("digdir-adopt-6", { visible: false });
    const ctx = demoContext(simulator());
    const before = lastSeq(simulator());
    const olds = declared("digdir-adopt-6");
    const result = await impl.check(ctx, olds, declared("digdir-adopt-6"));
    expect(result.failures).toStrictEqual([]);
    expect(result.inputs!.adopting).toBeUndefined();
    expect(simulator().calls.filter((c) => c.seq > before)).toStrictEqual([]);
  });

  it("compares no adopt flag in diff: adopting is no change once the resource is managed", async () => {
    const ctx = demoContext(simulator());
    const olds = altinnResourceInputsSchema.parse(declared("digdir-adopt-7"));
    const news = altinnResourceInputsSchema.parse(declared("digdir-adopt-7", { adopt: true }));
    expect(await impl.diff(ctx, "digdir-adopt-7", olds, news)).toStrictEqual({
      changes: false,
      replaces: [],
    });
  });
});
