import { redact } from "../../providers/lib/redact";

describe("redact", () => {
  it("removes JWTs, bearer tokens, assertions, PEM blocks and private JWK members", () => {
    const jwt =
      "eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6ImFsdGlubjpzZXJ2aWNlb3duZXIifQ.c2lnbmF0dXJlLXZhbHVl";
    const pem =
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
    const text = [
      `token ${jwt} here`,
      "Authorization: Bearer abc.def-ghi",
      "grant_type=x&assertion=zzz.yyy.xxx&other=1",
      pem,
      '{"kty":"RSA","n":"public-n","d":"secret-d","p":"secret-p","qi":"secret-qi"}',
    ].join("\n");
    expect(redact(text)).toBe(
      [
        "token [redacted token] here",
        "Authorization: Bearer [redacted]",
        "grant_type=x&assertion=[redacted]&other=1",
        "[redacted key]",
        '{"kty":"RSA","n":"public-n","d":"[redacted]","p":"[redacted]","qi":"[redacted]"}',
      ].join("\n"),
    );
  });

  it("redacts each kind of secret when it is the only one in the text", () => {
    expect(
      [
        "x eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6ImEifQ.c2ln",
        "authorization: bearer abc",
        "a=1&assertion=zzz",
        "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----",
        '{"dq": "secret"}',
      ].map(redact),
    ).toStrictEqual([
      "x [redacted token]",
      "authorization: bearer [redacted]",
      "a=1&assertion=[redacted]",
      "[redacted key]",
      '{"dq": "[redacted]"}',
    ]);
  });

  it("leaves ordinary text alone", () => {
    const text =
      "Resource Registry: create resource digdir-melding failed (POST /resourceregistry/api/v1/resource -> 400)";
    expect(redact(text)).toBe(text);
  });
});
