import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import {
  fileBackendLocks,
  lastRunFailed,
  onlyStaleLocks,
  parseArgs,
  pendingOperations,
  UP_USAGE_ERROR,
} from "../../program/up-cli";

describe("npm run up", () => {
  it("passes every option but --stack to pulumi up, and refuses a missing stack with the usage", () => {
    expect(parseArgs(["--yes", "--stack", "local", "--refresh"])).toStrictEqual({
      stack: "local",
      upArgs: ["--yes", "--refresh"],
    });
    expect(parseArgs(["--help"])).toBe("help");
    expect(() => parseArgs(["--yes"])).toThrow(UP_USAGE_ERROR);
  });

  it("lists the pending operations of an exported state", () => {
    const exported = JSON.stringify({
      deployment: {
        pending_operations: [{ type: "creating", resource: { urn: "urn:pulumi:s::p::t::a" } }],
      },
    });
    expect(pendingOperations(exported)).toStrictEqual([
      { type: "creating", resource: { urn: "urn:pulumi:s::p::t::a" } },
    ]);
    expect(pendingOperations(JSON.stringify({ deployment: {} }))).toStrictEqual([]);
  });

  it("tells a failed last run from a succeeded one", () => {
    expect(lastRunFailed(JSON.stringify([{ kind: "update", result: "failed" }]))).toBe(true);
    expect(lastRunFailed(JSON.stringify([{ kind: "update", result: "succeeded" }]))).toBe(false);
    expect(lastRunFailed("[]")).toBe(false);
  });

  it("finds a file backend's lock of the stack, stale when its process has ended", () => {
    const dir = mkdtempSync(join(tmpdir(), "altinn-iac-locks-"));
    try {
      const stackDir = join(dir, ".pulumi", "locks", "organization", "altinn-iac", "local");
      mkdirSync(stackDir, { recursive: true });
      const lock = { pid: 2 ** 22 + 1, hostname: hostname() };
      writeFileSync(join(stackDir, "a.json"), JSON.stringify(lock));
      const url = `file://${dir}?metadata=skip`;
      expect(fileBackendLocks(url, "local")).toStrictEqual([lock]);
      expect(fileBackendLocks(url, "prod")).toStrictEqual([]);
      expect(onlyStaleLocks([lock])).toBe(true);
      expect(onlyStaleLocks([{ pid: process.pid, hostname: hostname() }])).toBe(false);
      expect(onlyStaleLocks([{ ...lock, hostname: "another-machine" }])).toBe(false);
      expect(onlyStaleLocks([])).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
