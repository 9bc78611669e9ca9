import { decodeJwt } from "jose";
import { selfServiceFailures, type PreflightInputs } from "../../providers/service-owner-preflight";
import { DEMO_SELF_SERVICE_CLIENT_ID } from "../../simulator/state";
import { selfServiceContext } from "../support/self-service";
import { lastSeq, useSimulator } from "../support/simulator";

/** The preflight's check of Digdir's self-service admin client: its scopes per operation. */

const simulator = useSimulator();
const INPUTS: PreflightInputs = {
  orgCode: "digdir",
  orgNumber: "991825827",
  scopes: [],
  selfService: true,
};

function context(selfServiceScopes?: string[]) {
  const ctx = selfServiceContext(simulator());
  if (selfServiceScopes) ctx.settings.selfServiceScopes = selfServiceScopes;
  return ctx;
}

describe("ServiceOwnerPreflight self-service scopes", () => {
  it("passes with dcr.read and dcr.write in one token, as digdirator asks", async () => {
    const before = lastSeq(simulator());
    expect(await selfServiceFailures(context(), INPUTS)).toStrictEqual([]);
    const tokens = simulator().calls.filter(
      (c) => c.seq > before && c.path === "/maskinporten/token",
    );
    expect(
      tokens.map((c) => decodeJwt(new URLSearchParams(c.body).get("assertion")!).scope),
    ).toStrictEqual(["idporten:dcr.read idporten:dcr.write"]);
  });

  it("names each operation the configured scopes do not cover, before asking for a token", async () => {
    const before = lastSeq(simulator());
    expect(
      await selfServiceFailures(context(["idporten:dcr.read", "idporten:dcr.modify"]), INPUTS),
    ).toStrictEqual([
      {
        property: "selfService",
        reason:
          "altinn-iac:selfServiceScopes (idporten:dcr.read idporten:dcr.modify) does not cover what managing Maskinporten clients needs: create clients needs idporten:dcr.write. List every idporten:dcr.* scope the self-service admin client holds; if it lacks one, ask servicedesk@digdir.no to add it",
      },
    ]);
    expect(simulator().calls.filter((c) => c.seq > before)).toStrictEqual([]);
  });

  it("says which configured scope the admin client does not hold (MP-200)", async () => {
    await fetch(`${simulator().url}/__admin/clients/${DEMO_SELF_SERVICE_CLIENT_ID}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ scopes: ["idporten:dcr.read", "idporten:dcr.write"] }),
    });
    const failures = await selfServiceFailures(
      context(["idporten:dcr.read", "idporten:dcr.write", "idporten:dcr.modify"]),
      INPUTS,
    );
    expect(failures).toStrictEqual([
      {
        property: "selfService",
        reason:
          "the self-service admin client does not hold every scope in altinn-iac:selfServiceScopes (MP-200: Scope(s) not registered on client: idporten:dcr.modify): list only the scopes it holds (it needs idporten:dcr.read, idporten:dcr.write, idporten:dcr.write or idporten:dcr.modify), or ask servicedesk@digdir.no to add the missing one",
      },
    ]);
  });
});

describe("ServiceOwnerPreflight when no self-service token can be had", () => {
  const REQUEST =
    'e-mail servicedesk@digdir.no asking for a self-service admin client ("selvbetjeningsklient") for organisation 991825827 with the scopes idporten:dcr.read and idporten:dcr.write, authenticated with your business certificate (`npm run requests -- --stack <stack>` prints the text)';

  it("with no admin client in the stack: the request to Digdir first, then what to set, as steps", async () => {
    const ctx = context();
    delete ctx.settings.selfService;
    const before = lastSeq(simulator());
    const [failure] = await selfServiceFailures(ctx, INPUTS);
    expect(failure!.reason).toBe(
      "the stack manages Maskinporten clients, which needs Digdir's self-service admin client, and the stack has none:" +
        `\n  1. ${REQUEST}` +
        "\n  2. set its client_id: `pulumi config set altinn-iac:selfServiceClientId <client_id>`" +
        "\n  3. set the business certificate chain: `pulumi config set altinn-iac:selfServiceCertificate < business-certificate-chain.pem`" +
        "\n  4. set its private key: `pulumi config set --secret altinn-iac:selfServicePrivateKey < business-certificate-key.pem` (from a .p12: `openssl pkcs12 -in cert.p12 -nodes`)",
    );
    expect(lastSeq(simulator())).toBe(before);
  });

  it("with a .p12 as the certificate: the conversion steps alone, no request to Digdir", async () => {
    const ctx = context();
    ctx.settings.selfService = { ...ctx.settings.selfService, certificate: "MIIKPAIBAzCCCfYG" };
    const [failure] = await selfServiceFailures(ctx, INPUTS);
    expect(failure!.reason).toBe(
      "the self-service admin client's credentials in the stack cannot be used: altinn-iac:selfServiceCertificate holds no PEM certificate (-----BEGIN CERTIFICATE-----): a PKCS#12 file (.p12/.pfx) is not read directly:" +
        "\n  1. convert it: `openssl pkcs12 -in cert.p12 -nodes -out cert.pem`" +
        "\n  2. set the CERTIFICATE blocks of cert.pem: `pulumi config set altinn-iac:selfServiceCertificate < chain.pem`" +
        "\n  3. set its PRIVATE KEY block with --secret: `pulumi config set --secret altinn-iac:selfServicePrivateKey < key.pem`",
    );
    expect(failure!.reason).not.toContain("servicedesk");
  });

  it("with a client Digdir does not know: check it, then the request, as steps", async () => {
    const ctx = context();
    ctx.settings.selfService = { ...ctx.settings.selfService, clientId: "no-such-admin-client" };
    const [failure] = await selfServiceFailures(ctx, INPUTS);
    const [first, ...steps] = failure!.reason.split("\n");
    expect(first).toBe(
      'Digdir\'s self-service API refused the admin client (Maskinporten: get a token for client no-such-admin-client with scopes "idporten:dcr.read idporten:dcr.write" failed (POST /maskinporten/token -> 400) [invalid_grant]: MP-100: Invalid assertion. Client not found: no-such-admin-client):',
    );
    expect(steps).toStrictEqual([
      "  1. check that altinn-iac:selfServiceClientId is the admin client Digdir issued to organisation 991825827, and that altinn-iac:selfServiceCertificate is the business certificate it was registered with",
      `  2. if the organisation has no admin client in this environment: ${REQUEST}`,
    ]);
  });
});
