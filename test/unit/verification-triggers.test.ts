import {
  correspondenceVerificationImplementation as verification,
  verificationTrigger,
} from "../../providers/correspondence-verification";
import { canonicalJson } from "../../providers/lib/check";

/** The verification's triggers: short, named, and no re-send for stacks deployed before them. */

const resource = { identifier: "digdir-melding", title: { nb: "Melding" }, policy: { rules: [] } };
const client = { name: "sender", scopes: ["altinn:correspondence.write"] };
const base = {
  orgCode: "digdir",
  resourceId: "digdir-melding",
  clientId: "c1",
  keyId: "k1",
  privateKeyPem: "pem",
  recipient: "310654321",
  allowProd: false,
  eventsWaitSeconds: 60,
};
const triggers = (r: unknown, c: unknown) => [
  verificationTrigger("resource digdir-melding", r),
  verificationTrigger("client sender", c),
];
const diff = (olds: Record<string, unknown>, news: Record<string, unknown>) =>
  verification.diff!({} as never, "digdir-melding-verification", olds, news);

describe("verification triggers", () => {
  it("name the part and hold a 12-hex hash of its content, not the content", () => {
    const [first] = triggers(resource, client);
    expect(first).toMatch(/^resource digdir-melding [0-9a-f]{12}$/);
    expect(first).not.toContain("Melding");
  });

  it("run the verification again when a part changes, and only then", async () => {
    const olds = { ...base, triggers: triggers(resource, client) };
    expect(await diff(olds, { ...base, triggers: triggers(resource, client) })).toStrictEqual({
      changes: false,
      replaces: [],
    });
    const retitled = { ...resource, title: { nb: "Ny melding" } };
    expect(await diff(olds, { ...base, triggers: triggers(retitled, client) })).toStrictEqual({
      changes: true,
      replaces: [],
    });
  });

  it("take a stack deployed with the whole documents as triggers without sending again", async () => {
    const legacy = { ...base, triggers: [canonicalJson(resource), canonicalJson(client)] };
    expect(await diff(legacy, { ...base, triggers: triggers(resource, client) })).toStrictEqual({
      changes: false,
      replaces: [],
    });
    const rescoped = { ...client, scopes: [...client.scopes, "altinn:events.subscribe"] };
    expect(await diff(legacy, { ...base, triggers: triggers(resource, rescoped) })).toStrictEqual({
      changes: true,
      replaces: [],
    });
  });
});
