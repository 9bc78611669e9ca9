import { createContext } from "../../providers/auth/context";
import {
  requireSelfServiceCredentials,
  settingsFromConfig,
  type ProviderSettings,
} from "../../providers/lib/settings";
import { DEMO_BUSINESS_CERTIFICATE, DEMO_BUSINESS_CERTIFICATE_KEY } from "../support/self-service";
import { DEMO_PRIVATE_KEY } from "../support/simulator";

const [LEAF, CA] = DEMO_BUSINESS_CERTIFICATE.match(
  /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g,
)!;
const der = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");

/** A stack of the local environment with nothing else set. */
const LOCAL = (key: string) => (key === "environment" ? "local" : undefined);

function settings(selfService: ProviderSettings["selfService"]): ProviderSettings {
  return { ...settingsFromConfig(LOCAL, {}), selfService };
}

function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a failure");
}

describe("settingsFromConfig", () => {
  it("refuses a stack without an environment instead of assuming local", () => {
    expect(failure(() => settingsFromConfig(() => undefined, {}))).toBe(
      "altinn-iac:environment is not set: set it to local, test, prod (`pulumi config set altinn-iac:environment test`), or give the AltinnConnection its environment",
    );
  });

  it("reads the admin client's scopes, space-separated, defaulting to dcr.read and dcr.write", () => {
    expect(settingsFromConfig(LOCAL, {}).selfServiceScopes).toStrictEqual([
      "idporten:dcr.read",
      "idporten:dcr.write",
    ]);
    const read = (value: string) => (key: string) =>
      key === "selfServiceScopes" ? value : LOCAL(key);
    expect(
      settingsFromConfig(read(" idporten:dcr.read  idporten:dcr.modify "), {}).selfServiceScopes,
    ).toStrictEqual(["idporten:dcr.read", "idporten:dcr.modify"]);
    expect(() => settingsFromConfig(read("idporten:dcr.read altinn:serviceowner"), {})).toThrow(
      'altinn-iac:selfServiceScopes lists the self-service admin client\'s idporten:dcr.* scopes, space-separated (such as "idporten:dcr.read idporten:dcr.write"); "altinn:serviceowner" is not one',
    );
  });

  it("reads the self-service admin client from the stack config, else from the environment", () => {
    const config: Record<string, string> = {
      environment: "local",
      selfServiceClientId: "admin-from-config",
      selfServiceCertificate: DEMO_BUSINESS_CERTIFICATE,
    };
    const env = {
      ALTINN_IAC_SELF_SERVICE_CLIENT_ID: "admin-from-env",
      ALTINN_IAC_SELF_SERVICE_PRIVATE_KEY: DEMO_BUSINESS_CERTIFICATE_KEY,
      ALTINN_IAC_SELF_SERVICE_KEY_ID: "",
    };
    expect(settingsFromConfig((key) => config[key], env).selfService).toStrictEqual({
      clientId: "admin-from-config",
      certificate: DEMO_BUSINESS_CERTIFICATE,
      privateKey: DEMO_BUSINESS_CERTIFICATE_KEY,
    });
    expect(settingsFromConfig(LOCAL, {}).selfService).toBeUndefined();
  });

  it("moves the provider clock by clockOffsetSeconds in the local environment", () => {
    const local = settingsFromConfig(
      (key) => ({ environment: "local", clockOffsetSeconds: "86400" })[key],
      {},
    );
    expect(local.clockOffsetMs).toBe(86_400_000);
    const before = Date.now();
    const now = createContext(local).now();
    expect(now - before).toBeGreaterThanOrEqual(86_400_000);
    expect(now - before).toBeLessThan(86_400_000 + 5_000);
  });

  it("rejects clockOffsetSeconds outside the local environment and when it is no number", () => {
    expect(
      failure(() =>
        settingsFromConfig((key) => ({ environment: "test", clockOffsetSeconds: "60" })[key], {}),
      ),
    ).toBe(
      "altinn-iac:clockOffsetSeconds is for the local simulator only: remove it from the test stack",
    );
    expect(
      failure(() =>
        settingsFromConfig(
          (key) => ({ environment: "local", clockOffsetSeconds: "a year" })[key],
          {},
        ),
      ),
    ).toBe('altinn-iac:clockOffsetSeconds must be a number of seconds, got "a year"');
  });
});

describe("requireSelfServiceCredentials", () => {
  it("signs with x5c, the certificate of the private key first", () => {
    const credentials = requireSelfServiceCredentials(
      settings({
        clientId: "admin",
        certificate: `${CA}\n${LEAF}\n`,
        privateKey: DEMO_BUSINESS_CERTIFICATE_KEY,
      }),
    );
    expect(credentials).toStrictEqual({
      clientId: "admin",
      privateKey: DEMO_BUSINESS_CERTIFICATE_KEY,
      certificateChain: [der(LEAF!), der(CA!)],
    });
  });

  it("takes the private key from the output of openssl pkcs12 -nodes", () => {
    const bundle =
      `Bag Attributes\n    localKeyID: 01 00 00 00\nKey Attributes: <No Attributes>\n${DEMO_BUSINESS_CERTIFICATE_KEY}` +
      `Bag Attributes\n    localKeyID: 01 00 00 00\nsubject=C = NO\n${LEAF}\n${CA}\n`;
    const credentials = requireSelfServiceCredentials(
      settings({ clientId: "admin", certificate: bundle }),
    );
    expect(credentials.privateKey).toBe(DEMO_BUSINESS_CERTIFICATE_KEY.trim());
    expect(credentials.certificateChain).toStrictEqual([der(LEAF!), der(CA!)]);
  });

  it("signs with a kid when the admin client has a registered key instead", () => {
    expect(
      requireSelfServiceCredentials(
        settings({ clientId: "admin", keyId: "admin-key", privateKey: DEMO_PRIVATE_KEY }),
      ),
    ).toStrictEqual({ clientId: "admin", keyId: "admin-key", privateKey: DEMO_PRIVATE_KEY });
  });

  it("fails naming what to set when no admin client is configured", () => {
    expect(failure(() => requireSelfServiceCredentials(settings(undefined)))).toBe(
      "no Digdir self-service admin client for the local environment (needed for Maskinporten clients and keys): " +
        "set altinn-iac:selfServiceClientId, altinn-iac:selfServiceCertificate and altinn-iac:selfServicePrivateKey (pulumi config set --secret ...), " +
        "or the environment variables ALTINN_IAC_SELF_SERVICE_CLIENT_ID, ALTINN_IAC_SELF_SERVICE_CERTIFICATE and ALTINN_IAC_SELF_SERVICE_PRIVATE_KEY; " +
        "an admin client with a registered key may set altinn-iac:selfServiceKeyId instead of the certificate",
    );
  });

  it("rejects a PKCS#12 file, saying how to convert it", () => {
    const p12 = "MIIKPAIBAzCCCfYGCSqGSIb3DQEHAaCCCecEggnjMIIJ3zCCBg8GCSqGSIb3DQEHAaCCBgAEggX8";
    const fix =
      "a PKCS#12 file (.p12/.pfx) is not read directly:\n" +
      "  1. convert it: `openssl pkcs12 -in cert.p12 -nodes -out cert.pem`\n" +
      "  2. set the CERTIFICATE blocks of cert.pem: `pulumi config set altinn-iac:selfServiceCertificate < chain.pem`\n" +
      "  3. set its PRIVATE KEY block with --secret: `pulumi config set --secret altinn-iac:selfServicePrivateKey < key.pem`";
    expect(
      failure(() =>
        requireSelfServiceCredentials(
          settings({
            clientId: "admin",
            certificate: p12,
            privateKey: DEMO_BUSINESS_CERTIFICATE_KEY,
          }),
        ),
      ),
    ).toBe(
      `altinn-iac:selfServiceCertificate holds no PEM certificate (-----BEGIN CERTIFICATE-----): ${fix}`,
    );
    const message = failure(() =>
      requireSelfServiceCredentials(
        settings({ clientId: "admin", certificate: LEAF, privateKey: p12 }),
      ),
    );
    expect(message).toBe(
      `altinn-iac:selfServicePrivateKey is not a PEM private key or a private JWK: ${fix}`,
    );
    expect(message).not.toContain(p12);
  });

  it("rejects a private key that belongs to no certificate of the chain, without showing it", () => {
    const message = failure(() =>
      requireSelfServiceCredentials(
        settings({
          clientId: "admin",
          certificate: DEMO_BUSINESS_CERTIFICATE,
          privateKey: DEMO_PRIVATE_KEY,
        }),
      ),
    );
    expect(message).toBe(
      "altinn-iac:selfServicePrivateKey does not belong to any certificate in altinn-iac:selfServiceCertificate: use the business certificate's own private key",
    );
  });

  it("rejects an encrypted private key, saying how to export it", () => {
    const encrypted =
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n";
    expect(
      failure(() =>
        requireSelfServiceCredentials(
          settings({ clientId: "admin", certificate: LEAF, privateKey: encrypted }),
        ),
      ),
    ).toBe(
      "altinn-iac:selfServicePrivateKey is an encrypted private key: export it without a passphrase (`openssl pkcs12 -in cert.p12 -nodes` or `openssl pkey -in key.pem`) and store it with --secret",
    );
  });
});
