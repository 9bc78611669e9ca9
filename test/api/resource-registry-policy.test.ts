import busboy from "busboy";
import { buildPolicyXml } from "../../policies/build";
import { correspondencePolicy } from "../../policies/templates";
import {
  getPolicy,
  multipartPolicy,
  policyUrl,
  writePolicy,
} from "../../providers/api/resource-registry";
import { demoContext, lastSeq, useSimulator, writes } from "../support/simulator";

/**
 * The Resource Registry client's policy calls against the simulator: the multipart body it
 * sends, what it reads back, and errors that carry the server's words and a fix.
 */

const simulator = useSimulator();
const ID = "digdir-client-policy";
const XML = buildPolicyXml(correspondencePolicy("digdir", { recipients: { roles: ["DAGL"] } }), {
  resourceId: ID,
});

async function seedResource(id: string, organization = "991825827", orgcode = "digdir") {
  await fetch(`${simulator().url}/__admin/resources/${id}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identifier: id, hasCompetentAuthority: { organization, orgcode } }),
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

describe("multipartPolicy", () => {
  it("has one file part policyFile, named policy.xml, of type text/xml", async () => {
    const { body, contentType } = multipartPolicy(XML);
    const parts = await new Promise<unknown[]>((resolve) => {
      const found: unknown[] = [];
      const parser = busboy({ headers: { "content-type": contentType } });
      parser.on("file", (name, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () =>
          found.push({
            name,
            filename: info.filename,
            type: info.mimeType,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      });
      parser.on("field", (name) => found.push({ field: name }));
      parser.on("close", () => resolve(found));
      parser.end(body);
    });
    expect(parts).toStrictEqual([
      { name: "policyFile", filename: "policy.xml", type: "text/xml", text: XML },
    ]);
  });
});

describe("policy calls", () => {
  beforeAll(async () => {
    await seedResource(ID);
    await seedResource("brg-client-policy", "974760673", "brg");
  });

  it("uploads with POST, replaces with PUT, and reads the XML back", async () => {
    const ctx = demoContext(simulator());
    const before = lastSeq(simulator());
    await writePolicy(ctx, ID, XML, "POST");
    await writePolicy(ctx, ID, XML, "PUT");
    const sent = writes(simulator(), before);
    expect(sent.map((c) => `${c.method} ${c.path} ${c.status}`)).toStrictEqual([
      `POST /resourceregistry/api/v1/resource/${ID}/policy 201`,
      `PUT /resourceregistry/api/v1/resource/${ID}/policy 201`,
    ]);
    expect(sent[0]!.body).toMatch(
      new RegExp(
        `^--(altinn-iac-[0-9a-f]{32})\\r\\nContent-Disposition: form-data; name="policyFile"; filename="policy.xml"\\r\\nContent-Type: text/xml\\r\\n\\r\\n${XML.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\r\\n--\\1--\\r\\n$`,
      ),
    );
    expect(await getPolicy(ctx, ID)).toBe(XML);
    expect(policyUrl(ctx, ID)).toBe(
      `${simulator().url}/resourceregistry/api/v1/resource/${ID}/policy`,
    );
  });

  it("reads no policy for an unknown resource or one without a policy", async () => {
    const ctx = demoContext(simulator());
    await seedResource("digdir-client-nopolicy");
    expect(await getPolicy(ctx, "digdir-client-finnes-ikke")).toBeUndefined();
    expect(await getPolicy(ctx, "digdir-client-nopolicy")).toBeUndefined();
  });

  it("fails a rejected policy with the server's reason, unquoted, and the fix", async () => {
    const other = XML.replaceAll(ID, "digdir-annen");
    const error = await failure(writePolicy(demoContext(simulator()), ID, other, "PUT"));
    expect(error.message).toBe(
      `Resource Registry: replace the policy of resource ${ID} failed (PUT /resourceregistry/api/v1/resource/${ID}/policy -> 400): Policy not accepted: Contains rules for a different registry resource\n` +
        `  fix: every rule must target urn:altinn:resource = "${ID}": run \`npm run policy -- lint <file> --resource ${ID}\``,
    );
  });

  it("fails for an unknown resource, saying to create it first", async () => {
    const error = await failure(
      writePolicy(demoContext(simulator()), "digdir-client-finnes-ikke", XML, "POST"),
    );
    expect(error.message).toBe(
      "Resource Registry: upload the policy of resource digdir-client-finnes-ikke failed (POST /resourceregistry/api/v1/resource/digdir-client-finnes-ikke/policy -> 400): Unknown resource\n" +
        "  fix: the resource digdir-client-finnes-ikke does not exist: create its AltinnResource first (give the ResourcePolicy dependsOn it)",
    );
  });

  it("fails for another org's resource, naming the ownership rule", async () => {
    const xml = XML.replaceAll(ID, "brg-client-policy");
    const error = await failure(
      writePolicy(demoContext(simulator()), "brg-client-policy", xml, "POST"),
    );
    expect(error.message).toBe(
      "Resource Registry: upload the policy of resource brg-client-policy failed (POST /resourceregistry/api/v1/resource/brg-client-policy/policy -> 403): (empty body)\n" +
        "  fix: the token's organisation does not own resource brg-client-policy: the Maskinporten client must belong to its hasCompetentAuthority organisation",
    );
  });
});
