import type { ProviderContext } from "../../providers/lib/context";
import {
  bindProvider,
  PartialCreateError,
  type ProviderImplementation,
} from "../../providers/lib/provider";
import { failure } from "../support/failure";

describe("bindProvider", () => {
  it("keeps the serialized provider in a partial create's properties", async () => {
    const implementation = {
      create: async () => {
        throw new PartialCreateError("digdir/list", { identifier: "list" }, new Error("503"));
      },
    } as unknown as ProviderImplementation;
    const provider = bindProvider(implementation, () => ({}) as ProviderContext);
    const error = await failure(provider.create({ identifier: "list", __provider: "exports.x" }));
    expect(error).toBeInstanceOf(PartialCreateError);
    expect((error as PartialCreateError).properties).toStrictEqual({
      identifier: "list",
      __provider: "exports.x",
    });
  });
});

describe("bindProvider's delete", () => {
  function recordingImplementation(deleted: string[]) {
    return {
      create: async (_ctx: unknown, inputs: { id: string }) => ({ id: inputs.id, outs: {} }),
      delete: async (_ctx: unknown, id: string) => void deleted.push(id),
    } as unknown as ProviderImplementation;
  }

  it("sends no delete for an object a create of the same run made or took over", async () => {
    const deleted: string[] = [];
    const warnings: string[] = [];
    const ctx = { warn: (m: string) => warnings.push(m) } as unknown as ProviderContext;
    const provider = bindProvider(
      recordingImplementation(deleted),
      () => ctx,
      "MaskinportenClient",
    );
    await provider.create({ id: "client-1" });
    await provider.delete!("client-1", {});
    await provider.delete!("client-2", {});
    expect(deleted).toStrictEqual(["client-2"]);
    expect(warnings).toStrictEqual([
      "MaskinportenClient client-1 is not deleted: this up created or took it over under another name, which now holds it",
    ]);
  });

  it("deletes an object of another kind or another run with the same id", async () => {
    const deleted: string[] = [];
    const ctx = { warn: () => undefined } as unknown as ProviderContext;
    const client = bindProvider(recordingImplementation(deleted), () => ctx, "MaskinportenClient");
    const key = bindProvider(recordingImplementation(deleted), () => ctx, "MaskinportenClientKey");
    const nextRun = { warn: () => undefined } as unknown as ProviderContext;
    const clientNextRun = bindProvider(
      recordingImplementation(deleted),
      () => nextRun,
      "MaskinportenClient",
    );
    await client.create({ id: "client-1" });
    await key.delete!("client-1", {});
    await clientNextRun.delete!("client-1", {});
    expect(deleted).toStrictEqual(["client-1", "client-1"]);
  });
});
