import { clientKeysFromState } from "../../program/client-key-cli";

const KEY_TYPE = "pulumi-nodejs:dynamic/altinn:MaskinportenClientKey";
const secret = (value: string) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  plaintext: JSON.stringify(value),
});

describe("npm run client-key finds a client's key in the state", () => {
  test("by client_id and kid, the secret outputs decrypted as `stack export --show-secrets` writes them", () => {
    const keys = clientKeysFromState(
      { sender: { clientId: "c-1", keyId: "k-new" }, reader: { clientId: "c-2", keyId: "k-2" } },
      [
        { type: "pulumi-nodejs:dynamic/altinn:MaskinportenClient", outputs: { clientId: "c-1" } },
        {
          type: KEY_TYPE,
          outputs: { clientId: "c-1", keyId: "k-old", privateKeyPem: secret("OLD") },
        },
        {
          type: KEY_TYPE,
          outputs: {
            clientId: "c-1",
            keyId: "k-new",
            privateKeyPem: secret("NEW"),
            privateJwk: secret("{}"),
          },
        },
      ],
    );
    expect(keys).toStrictEqual({
      sender: { clientId: "c-1", keyId: "k-new", privateKeyPem: "NEW", privateJwk: "{}" },
      reader: { clientId: "c-2", keyId: "k-2" },
    });
  });
});
