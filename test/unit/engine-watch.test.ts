import { createServer, type AddressInfo } from "node:net";
import { alive, dynamicProviderEngineAddress, listening } from "../../providers/lib/engine-watch";

describe("engine watch", () => {
  it("sees an engine address listening, and gone once its server closes", async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await listening(address)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await listening(address)).toBe(false);
  });

  it("watches nothing outside Pulumi's dynamic-provider process", () => {
    expect(dynamicProviderEngineAddress()).toBeUndefined();
  });

  it("tells a live process from an ended one", () => {
    expect(alive(process.pid)).toBe(true);
    expect(alive(2 ** 22 + 1)).toBe(false);
  });
});
