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
