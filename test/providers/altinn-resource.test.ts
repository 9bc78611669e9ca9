import {
  altinnResourceImplementation as impl,
  altinnResourceInputsSchema,
} from "../../providers/altinn-resource";
import { createContext } from "../../providers/auth/context";
import { resourcePolicyImplementation } from "../../providers/resource-policy";
import { parsePolicyModel } from "../../policies/model";
import { correspondencePolicy } from "../../policies/templates";
import { currentResource } from "../../simulator/state";
import { demoContext, lastSeq, useSimulator } from "../support/simulator";

const simulator = useSimulator();

function inputs(id: string, overrides: Record<string, unknown> = {}) {
  return altinnResourceInputsSchema.parse({
    identifier: id,
    title: { nb: "T", nn: "T", en: "T" },
    description: { nb: "D", nn: "D", en: "D" },
    rightDescription: { nb: "R", nn: "R", en: "R" },
    hasCompetentAuthority: { organization: "991825827", orgcode: "digdir" },
    contactPoints: [{ category: "Support", email: "a@b.no" }],
    ...overrides,
  }) as unknown as Record<string, unknown>;
}

function callsAfter(seq: number): string[] {
  return simulator()
    .calls.filter(
      (c) =>
        c.seq > seq && !c.path.startsWith("/maskinporten") && !c.path.startsWith("/authentication"),
    )
    .map((c) => `${c.method} ${c.path} ${c.status}`);
}

describe("AltinnResource provider", () => {
  it("checks any number of new resources in one run with one read of the registry's list", async () => {
    const ctx = demoContext(simulator());
    await impl.create(demoContext(simulator()), inputs("digdir-prov-listed"));
    const before = lastSeq(simulator());
    const checked = await Promise.all(
      ["digdir-prov-new-1", "digdir-prov-new-2", "digdir-prov-listed"].map((id) =>
        impl.check!(ctx, {}, inputs(id)),
      ),
    );
    expect(callsAfter(before)).toStrictEqual([
      "GET /resourceregistry/api/v1/resource/resourcelist 200",
      "GET /resourceregistry/api/v1/resource/digdir-prov-listed 200",
    ]);
    expect(checked.map((c) => c.inputs!.adopting)).toStrictEqual([
      undefined,
      undefined,
      "existing resource digdir-prov-listed (version 1), already as declared: no write",
    ]);
  });

  it("reads any number of resources in one run (refresh) from one list, and afresh after a write", async () => {
    const setup = demoContext(simulator());
    const a = await impl.create(setup, inputs("digdir-prov-refresh-a"));
    await impl.create(setup, inputs("digdir-prov-refresh-b"));
    const ctx = demoContext(simulator());
    const before = lastSeq(simulator());
    const reads = await Promise.all(
      ["digdir-prov-refresh-a", "digdir-prov-refresh-b", "digdir-prov-refresh-gone"].map((id) =>
        impl.read!(ctx, id, a.outs),
      ),
    );
    expect(reads.map((r) => r.id)).toStrictEqual([
      "digdir-prov-refresh-a",
      "digdir-prov-refresh-b",
      undefined,
    ]);
    await impl.update!(
      ctx,
      "digdir-prov-refresh-a",
      a.outs,
      inputs("digdir-prov-refresh-a", { visible: false }),
    );
    const reread = await impl.read!(ctx, "digdir-prov-refresh-a", a.outs);
    expect(reread.props!.visible).toBe(false);
    expect(callsAfter(before)).toStrictEqual([
      "GET /resourceregistry/api/v1/resource/resourcelist 200",
      "GET /resourceregistry/api/v1/resource/digdir-prov-refresh-gone 404",
      "PUT /resourceregistry/api/v1/resource/digdir-prov-refresh-a 200",
      "GET /resourceregistry/api/v1/resource/resourcelist 200",
    ]);
  });

  it("reads the stored authorizationReference by id, since the list writes its own over it", async () => {
    const setup = demoContext(simulator());
    const reference = [{ id: "urn:altinn:resource", value: "other-resource" }];
    const declared = await impl.create(
      setup,
      inputs("digdir-prov-authref", { authorizationReference: reference }),
    );
    const plain = await impl.create(setup, inputs("digdir-prov-noref"));
    const ctx = demoContext(simulator());
    const before = lastSeq(simulator());
    const withReference = await impl.read!(ctx, "digdir-prov-authref", declared.outs);
    const without = await impl.read!(ctx, "digdir-prov-noref", plain.outs);
    expect(withReference.inputs!.authorizationReference).toStrictEqual(reference);
    expect(without.inputs!.authorizationReference).toBeUndefined();
    expect(callsAfter(before)).toStrictEqual([
      "GET /resourceregistry/api/v1/resource/digdir-prov-authref 200",
      "GET /resourceregistry/api/v1/resource/resourcelist 200",
    ]);
  });

  it("uploads the policy of a resource it has just created without reading it first", async () => {
    const ctx = demoContext(simulator());
    await impl.create(ctx, inputs("digdir-prov-fresh"));
    const before = lastSeq(simulator());
    await resourcePolicyImplementation.create(ctx, {
      resourceId: "digdir-prov-fresh",
      resourceType: "CorrespondenceService",
      owner: "digdir",
      policy: parsePolicyModel(correspondencePolicy("digdir", { recipients: { roles: ["DAGL"] } })),
    });
    expect(callsAfter(before)).toStrictEqual([
      "POST /resourceregistry/api/v1/resource/digdir-prov-fresh/policy 201",
    ]);
  });

  it("creates with one POST, and returns outputs with the URN and URL", async () => {
    const ctx = demoContext(simulator());
    const before = lastSeq(simulator());
    const result = await impl.create(ctx, inputs("digdir-prov-1"));
    expect(callsAfter(before)).toStrictEqual(["POST /resourceregistry/api/v1/resource 201"]);
    expect(result).toStrictEqual({
      id: "digdir-prov-1",
      outs: {
        ...inputs("digdir-prov-1"),
        resourceUrn: "urn:altinn:resource:digdir-prov-1",
        resourceUrl: `${simulator().url}/resourceregistry/api/v1/resource/digdir-prov-1`,
      },
    });
  });

  it("takes over an existing resource with adopt on create with PUT instead of failing with 409", async () => {
    const ctx = demoContext(simulator());
    await impl.create(ctx, inputs("digdir-prov-2"));
    const before = lastSeq(simulator());
    await impl.create(ctx, inputs("digdir-prov-2", { visible: false, adopt: true }));
    expect(callsAfter(before)).toStrictEqual([
      "GET /resourceregistry/api/v1/resource/digdir-prov-2 200",
      "PUT /resourceregistry/api/v1/resource/digdir-prov-2 200",
    ]);
    expect(currentResource(simulator().context.state, "digdir-prov-2")!.visible).toBe(false);
  });

  it("gives a new resource availableForType Company, and adopts one the registry holds without it as it is", async () => {
    const fresh = await impl.check(demoContext(simulator()), {}, inputs("digdir-prov-aft-1"));
    expect([fresh.failures, fresh.inputs.availableForType]).toStrictEqual([[], ["Company"]]);

    await impl.create(demoContext(simulator()), inputs("digdir-prov-aft-2"));
    expect(currentResource(simulator().context.state, "digdir-prov-aft-2")).not.toHaveProperty(
      "availableForType",
    );
    const adopted = await impl.check(
      demoContext(simulator()),
      {},
      inputs("digdir-prov-aft-2", { adopt: true }),
    );
    expect([
      adopted.failures,
      "availableForType" in adopted.inputs,
      adopted.inputs.adopting,
    ]).toStrictEqual([
      [],
      false,
      expect.stringMatching(/^existing resource digdir-prov-aft-2.*already as declared: no write$/),
    ]);
  });

  it("reads the live resource as outputs and inputs, and reports a missing one as gone", async () => {
    const ctx = demoContext(simulator());
    const { outs } = await impl.create(ctx, inputs("digdir-prov-3"));
    const read = await impl.read(ctx, "digdir-prov-3", outs);
    expect(read).toStrictEqual({
      id: "digdir-prov-3",
      props: outs,
      inputs: inputs("digdir-prov-3"),
    });
    expect(await impl.read(ctx, "digdir-nothing-here", outs)).toStrictEqual({});
  });

  it("updates with one PUT of the full document", async () => {
    const ctx = demoContext(simulator());
    const { outs } = await impl.create(ctx, inputs("digdir-prov-4"));
    const before = lastSeq(simulator());
    await impl.update(
      ctx,
      "digdir-prov-4",
      outs,
      inputs("digdir-prov-4", { status: "Deprecated" }),
    );
    expect(callsAfter(before)).toStrictEqual([
      "PUT /resourceregistry/api/v1/resource/digdir-prov-4 200",
    ]);
    const sent = JSON.parse(simulator().calls.at(-1)!.body) as Record<string, unknown>;
    expect(sent.status).toBe("Deprecated");
  });

  it("deletes, and treats an already deleted resource as done", async () => {
    const ctx = demoContext(simulator());
    await impl.create(ctx, inputs("digdir-prov-5"));
    await impl.delete(ctx, "digdir-prov-5", {});
    await impl.delete(ctx, "digdir-prov-5", {});
    expect(currentResource(simulator().context.state, "digdir-prov-5")).toBeUndefined();
  });

  it("retains the resource in production without calling DELETE, and says so", async () => {
    const warnings: string[] = [];
    const local = demoContext(simulator());
    await impl.create(local, inputs("digdir-prov-6"));
    const prod = createContext(
      { ...local.settings, environment: "prod" },
      { tokens: local.tokens, warn: (m) => warnings.push(m) },
    );
    const before = lastSeq(simulator());
    await impl.delete(prod, "digdir-prov-6", {});
    expect(callsAfter(before)).toStrictEqual([]);
    expect(warnings).toStrictEqual([
      'resource digdir-prov-6 is retained: the Resource Registry does not allow deleting resources in production. It is no longer managed by this stack; set status "Withdrawn" and visible false before removing it from the program to retire it.',
    ]);
  });

  it("fails create with the server's reasons and a fix when another org owns the resource", async () => {
    const ctx = demoContext(simulator());
    const error = await impl
      .create(
        ctx,
        inputs("brg-prov-7", {
          hasCompetentAuthority: { organization: "974760673", orgcode: "brg" },
        }),
      )
      .catch((e: Error) => e);
    expect((error as Error).message).toBe(
      "Resource Registry: create resource brg-prov-7 failed (POST /resourceregistry/api/v1/resource -> 403): (empty body)\n  fix: the token's organisation does not own this resource: hasCompetentAuthority.organization must be the org number of the Maskinporten client's org",
    );
  });

  it("lets the engine's re-check of a replacement through: the live resource is the stack's own", async () => {
    const ctx = demoContext(simulator());
    await impl.create(ctx, inputs("digdir-prov-8"));
    // The engine checks a replacement again with no old inputs.
    const recheck = await impl.check(
      ctx,
      {},
      inputs("digdir-prov-8", { resourceType: "GenericAccessResource" }),
    );
    expect(recheck.failures).toStrictEqual([]);
    const takeover = await impl.check(
      ctx,
      {},
      inputs("digdir-prov-8", { title: { nb: "A", nn: "A", en: "A" } }),
    );
    expect(takeover.failures?.map((f) => f.property)).toStrictEqual(["adopt"]);
  });
});
