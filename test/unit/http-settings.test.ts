import { DEFAULT_RETRY } from "../../providers/lib/http";
import { settingsFromConfig } from "../../providers/lib/settings";

function settingsWith(http: string | undefined) {
  return settingsFromConfig((key) => ({ environment: "local", http })[key], {});
}

describe("settingsFromConfig reading altinn-iac:http", () => {
  it("keeps the defaults when the key is absent", () => {
    expect(settingsWith(undefined).retry).toBeUndefined();
  });

  it("overrides only the given members", () => {
    expect(settingsWith(JSON.stringify({ timeoutMs: 1000, attempts: 2 })).retry).toStrictEqual({
      ...DEFAULT_RETRY,
      timeoutMs: 1000,
      attempts: 2,
    });
  });

  it("rejects a time-out that is not a number, naming the member", () => {
    expect(() => settingsWith(JSON.stringify({ timeoutMs: "fast" }))).toThrow(
      new Error(
        "altinn-iac:http.timeoutMs: Invalid input: expected number, received string (expected an object such as { timeoutMs: 10000, attempts: 5, baseDelayMs: 250, maxDelayMs: 20000 })",
      ),
    );
  });

  it("rejects an unknown member", () => {
    expect(() => settingsWith(JSON.stringify({ retries: 3 }))).toThrow(
      new Error(
        'altinn-iac:http: Unrecognized key: "retries" (expected an object such as { timeoutMs: 10000, attempts: 5, baseDelayMs: 250, maxDelayMs: 20000 })',
      ),
    );
  });
});
