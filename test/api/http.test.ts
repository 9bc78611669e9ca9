import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isApiError } from "../../providers/lib/errors";
import {
  backoff,
  readExpected,
  retryAfterMs,
  send,
  type HttpRequest,
} from "../../providers/lib/http";
import { failure } from "../support/failure";

/** A server that answers each request with the next scripted response. */
function scriptedServer(
  script: Array<{ status: number; headers?: Record<string, string>; body?: string } | "reset">,
) {
  const seen: Array<{ method: string; url: string; authorization?: string; body: string }> = [];
  let server: Server;
  let url = "";
  beforeEach(async () => {
    seen.length = 0;
    let index = 0;
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push({
          method: req.method!,
          url: req.url!,
          authorization: req.headers.authorization,
          body,
        });
        const step = script[Math.min(index++, script.length - 1)]!;
        if (step === "reset") {
          req.socket.destroy();
          return;
        }
        res.writeHead(step.status, step.headers ?? {});
        res.end(step.body ?? "");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { seen, url: () => url };
}

const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

function request(url: string, overrides: Partial<HttpRequest> = {}): HttpRequest {
  return {
    service: "Resource Registry",
    operation: "read resource x",
    method: "GET",
    url: `${url}/resourceregistry/api/v1/resource/x?token=secret-in-query`,
    retry: fast,
    ...overrides,
  };
}

describe("send retrying 503 then answering", () => {
  const server = scriptedServer([
    { status: 503 },
    { status: 429, headers: { "retry-after": "0" } },
    { status: 200, headers: { "content-type": "application/json" }, body: '{"identifier":"x"}' },
  ]);

  it("retries a GET and returns the parsed body", async () => {
    const response = await send(request(server.url(), { token: async () => "tok" }));
    expect(response.status).toBe(200);
    expect(response.data).toStrictEqual({ identifier: "x" });
    expect(server.seen.map((s) => [s.method, s.authorization])).toStrictEqual([
      ["GET", "Bearer tok"],
      ["GET", "Bearer tok"],
      ["GET", "Bearer tok"],
    ]);
  });

  it("does not retry a POST without proof that nothing was created", async () => {
    const error = await failure(send(request(server.url(), { method: "POST", body: { a: 1 } })));
    expect(isApiError(error) && error.status).toBe(503);
    expect(server.seen).toHaveLength(1);
  });

  it("retries a POST when the lookup says it was not created", async () => {
    const lookups: number[] = [];
    const response = await send(
      request(server.url(), {
        method: "POST",
        body: { a: 1 },
        safeToRetry: async () => lookups.push(1) > 0,
      }),
    );
    expect(response.status).toBe(200);
    expect(lookups).toHaveLength(2);
    expect(server.seen.map((s) => s.body)).toStrictEqual(['{"a":1}', '{"a":1}', '{"a":1}']);
  });
});

describe("send after a dropped connection", () => {
  const server = scriptedServer(["reset", { status: 204 }]);

  it("retries an idempotent request", async () => {
    expect((await send(request(server.url(), { method: "DELETE" }))).status).toBe(204);
    expect(server.seen).toHaveLength(2);
  });
});

describe("send turning error bodies into ApiError", () => {
  const validation = scriptedServer([
    {
      status: 400,
      headers: { "content-type": "application/problem+json" },
      body: JSON.stringify({
        type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        title: "One or more validation errors occurred.",
        status: 400,
        errors: { Title: ["Missing title in nynorsk nn"], Identifier: ["Invalid id."] },
      }),
    },
  ]);

  it("lists ValidationProblemDetails field errors and keeps the query string out", async () => {
    const error = await failure(send(request(validation.url(), { method: "PUT", body: {} })));
    expect(error.message).toBe(
      "Resource Registry: read resource x failed (PUT /resourceregistry/api/v1/resource/x -> 400): One or more validation errors occurred.\n  Title: Missing title in nynorsk nn\n  Identifier: Invalid id.",
    );
    expect(error.message).not.toContain("secret-in-query");
  });
});

describe("send with an Altinn problem body", () => {
  const problem = scriptedServer([
    {
      status: 400,
      headers: { "content-type": "application/problem+json" },
      body: JSON.stringify({
        type: "urn:altinn:error:STD-00000",
        title: "One or more validation errors occurred.",
        status: 400,
        code: "STD-00000",
        validationErrors: [
          {
            code: "RR.VLD-00010",
            detail: "Access list owner must be a valid and registered org-code",
            paths: ["/$PATH/owner"],
          },
        ],
      }),
    },
  ]);

  it("names the code and each validation error by path", async () => {
    const error = await failure(send(request(problem.url())));
    expect(
      isApiError(error) && {
        code: error.code,
        fieldErrors: error.fieldErrors,
        retryable: error.retryable,
      },
    ).toStrictEqual({
      code: "STD-00000",
      fieldErrors: {
        "/$PATH/owner": [
          "Access list owner must be a valid and registered org-code [RR.VLD-00010]",
        ],
      },
      retryable: false,
    });
  });
});

describe("send with a plain-text body that echoes a token", () => {
  const echo = scriptedServer([
    {
      status: 409,
      headers: { "content-type": "text/plain" },
      body: "conflict for Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eXoxMjMifQ.c2lnbmF0dXJl",
    },
  ]);

  it("redacts the token from the message", async () => {
    const error = await failure(send(request(echo.url(), { method: "PUT", body: {} })));
    expect(error.message).toBe(
      "Resource Registry: read resource x failed (PUT /resourceregistry/api/v1/resource/x -> 409): conflict for Bearer [redacted token]",
    );
  });
});

describe("retryAfterMs and backoff", () => {
  it("reads delta-seconds and HTTP dates", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(
      retryAfterMs("Thu, 01 Jan 2026 00:00:10 GMT", Date.parse("Thu, 01 Jan 2026 00:00:00 GMT")),
    ).toBe(10_000);
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it("waits at least what the server asked, within the ceiling", () => {
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    for (let attempt = 1; attempt <= 5; attempt++) {
      const delay = backoff(policy, attempt, undefined);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** (attempt - 1)));
    }
    expect(backoff(policy, 1, 800)).toBeGreaterThanOrEqual(800);
    expect(backoff(policy, 1, 5000)).toBe(1000);
  });
});

describe("send after a 500", () => {
  const server = scriptedServer([{ status: 500 }, { status: 200, body: "ok" }]);

  it("retries a GET", async () => {
    expect((await send(request(server.url()))).text).toBe("ok");
    expect(server.seen.map((s) => s.method)).toStrictEqual(["GET", "GET"]);
  });

  it("fails a POST without proof that nothing was created", async () => {
    const error = await failure(send(request(server.url(), { method: "POST", body: { a: 1 } })));
    expect(isApiError(error) && error.status).toBe(500);
    expect(server.seen).toHaveLength(1);
  });
});

describe("send with a body made per attempt", () => {
  const server = scriptedServer(["reset", { status: 200 }]);

  it("sends a fresh body on each attempt", async () => {
    let made = 0;
    await send(
      request(server.url(), {
        method: "POST",
        bodyPerAttempt: async () => `assertion=${++made}`,
        safeToRetry: async () => true,
      }),
    );
    expect(server.seen.map((s) => s.body)).toStrictEqual(["assertion=1", "assertion=2"]);
  });
});

describe("send to a server that does not answer", () => {
  let server: Server;
  let url = "";
  beforeAll(async () => {
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("fails after the retry policy's time-out per attempt", async () => {
    const error = await failure(
      send(request(url, { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 100 } })),
    );
    expect(isApiError(error) && [error.status, error.retryable]).toStrictEqual([0, true]);
    expect(error.message).toBe(
      "Resource Registry: read resource x failed (GET /resourceregistry/api/v1/resource/x -> no response): ECONNABORTED: timeout of 100ms exceeded",
    );
  });
});

describe("readExpected", () => {
  it("reads a missing object again until it appears", async () => {
    const answers = [undefined, undefined, "found"];
    const read = jest.fn(async () => answers.shift());
    expect(await readExpected(read, fast)).toBe("found");
    expect(read).toHaveBeenCalledTimes(3);
  });

  it("gives up after the policy's attempts", async () => {
    const read = jest.fn(async () => undefined);
    expect(await readExpected(read, fast)).toBeUndefined();
    expect(read).toHaveBeenCalledTimes(fast.attempts);
  });
});
