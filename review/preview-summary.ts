/**
 * Turns a `pulumi preview` into Markdown for a pull-request comment: per object what happens and
 * which fields change, policy changes as rules in words, access-list member changes as counts and
 * org numbers, the warnings the linters printed, and a banner for replaces and deletes in
 * production.
 *
 * Input: the engine's event stream (`PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1 pulumi preview --json`,
 * one JSON event per line), which carries both the planned steps and the warnings; the plain
 * `pulumi preview --json` document (steps only) is read too.
 */

import { isProduction } from "../providers/lib/environments";

export type Op = "create" | "update" | "replace" | "delete" | "same" | "read" | "refresh" | "other";

export interface PlannedChange {
  op: Op;
  type: string;
  name: string;
  oldInputs: Record<string, unknown>;
  newInputs: Record<string, unknown>;
}

export interface PreviewModel {
  environment?: string;
  /** The stack file's `altinn-iac:acceptChanges` (program/config.ts). */
  accepted?: Array<{ object: string; change: string }>;
  changes: PlannedChange[];
  warnings: string[];
  errors: string[];
}

/** Fields whose value is a set of words: a change is shown as what was added and removed. */
const SET_FIELDS: Record<
  string,
  Record<string, { noun: string; show: (item: string) => string }>
> = {
  ResourcePolicy: { rules: { noun: "rule", show: (rule) => rule } },
  AccessList: { members: { noun: "member", show: orgNumberOf } },
};

const IGNORED_INPUTS = new Set(["__provider"]);

/** Fields shown through a derived field instead (a policy's rules in words). */
const SHOWN_THROUGH: Record<string, string[]> = { ResourcePolicy: ["policy", "xml"] };

export function orgNumberOf(member: string): string {
  const match = /^urn:altinn:organization:identifier-no:(\d{9})$/.exec(member);
  return match ? match[1]! : member;
}

function opOf(raw: string): Op {
  if (
    raw === "create-replacement" ||
    raw === "replace" ||
    raw === "delete-replaced" ||
    raw === "create-replaced"
  ) {
    return "replace";
  }
  return (["create", "update", "delete", "same", "read", "refresh"] as const).includes(raw as never)
    ? (raw as Op)
    : "other";
}

interface StepLike {
  op: string;
  urn: string;
  type?: string;
  old?: { inputs?: Record<string, unknown> } | null;
  new?: { inputs?: Record<string, unknown> } | null;
  oldState?: { inputs?: Record<string, unknown> } | null;
  newState?: { inputs?: Record<string, unknown> } | null;
}

function changeOf(step: StepLike): PlannedChange {
  const urnParts = step.urn.split("::");
  const name = urnParts[urnParts.length - 1] ?? step.urn;
  const type = step.type ?? urnParts[urnParts.length - 2] ?? "";
  return {
    op: opOf(step.op),
    type: shortType(type),
    name,
    oldInputs: (step.old ?? step.oldState)?.inputs ?? {},
    newInputs: (step.new ?? step.newState)?.inputs ?? {},
  };
}

function shortType(type: string): string {
  const last = type.split(":").pop() ?? type;
  return last.includes("$") ? (last.split("$").pop() ?? last) : last;
}

/** Reads either the event stream (JSON lines) or the plain preview document. */
export function parsePreview(text: string): PreviewModel {
  const trimmed = text.trim();
  const model: PreviewModel = { changes: [], warnings: [], errors: [] };
  if (trimmed.startsWith("{") && !trimmed.includes("\n{")) {
    const document = JSON.parse(trimmed) as {
      config?: Record<string, string>;
      steps?: StepLike[];
      diagnostics?: Array<{ severity?: string; message?: string }>;
    };
    readConfig(model, document.config);
    model.changes = (document.steps ?? []).map(changeOf);
    for (const d of document.diagnostics ?? []) addDiagnostic(model, d.severity, d.message);
    return withoutReplacementHalves(model);
  }
  const seen = new Set<string>();
  for (const line of trimmed.split("\n")) {
    if (line.trim() === "") continue;
    const event = JSON.parse(line) as {
      preludeEvent?: { config?: Record<string, string> };
      resourcePreEvent?: { metadata: StepLike };
      diagnosticEvent?: { severity?: string; message?: string };
    };
    if (event.preludeEvent) readConfig(model, event.preludeEvent.config);
    if (event.resourcePreEvent) {
      const step = event.resourcePreEvent.metadata;
      const key = `${step.op} ${step.urn}`;
      if (!seen.has(key)) {
        seen.add(key);
        model.changes.push(changeOf(step));
      }
    }
    if (event.diagnosticEvent)
      addDiagnostic(model, event.diagnosticEvent.severity, event.diagnosticEvent.message);
  }
  return withoutReplacementHalves(model);
}

function readConfig(model: PreviewModel, config: Record<string, string> | undefined): void {
  model.environment = config?.["altinn-iac:environment"];
  const accepted = config?.["altinn-iac:acceptChanges"];
  if (accepted === undefined) return;
  try {
    const parsed: unknown = JSON.parse(accepted);
    model.accepted = Array.isArray(parsed)
      ? parsed.filter(
          (a): a is { object: string; change: string } =>
            typeof a?.object === "string" && typeof a?.change === "string",
        )
      : [];
  } catch {
    model.accepted = [];
  }
}

/**
 * The deletes and replaces of a production plan that the stack file does not accept: the review
 * fails on them, and so does the prod deploy workflow before its `up`.
 */
export function unacceptedDestructiveChanges(model: PreviewModel): PlannedChange[] {
  if (!isProduction(model.environment)) return [];
  return model.changes.filter(
    (c) =>
      (c.op === "delete" || c.op === "replace") &&
      c.type !== "Stack" &&
      !(model.accepted ?? []).some((a) => a.object === c.name && a.change === c.op),
  );
}

function addDiagnostic(
  model: PreviewModel,
  severity: string | undefined,
  message: string | undefined,
): void {
  const text = (message ?? "").trim();
  if (!text) return;
  if (severity === "warning" && !model.warnings.includes(text)) model.warnings.push(text);
  if (severity === "error" && !model.errors.includes(text)) model.errors.push(text);
}

/**
 * A replace shows up as several steps (create-replacement, replace, delete-replaced); the
 * `replace` step carries both the old and the new inputs, its halves one each: keep that one.
 */
function withoutReplacementHalves(model: PreviewModel): PreviewModel {
  const byKey = new Map<string, PlannedChange>();
  for (const change of model.changes) {
    const key = `${change.type}::${change.name}`;
    const complete =
      Object.keys(change.oldInputs).length > 0 && Object.keys(change.newInputs).length > 0;
    if (!byKey.has(key) || (change.op === "replace" && complete)) byKey.set(key, change);
  }
  return { ...model, changes: [...byKey.values()] };
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** Leaf-level differences between two input objects, as dotted paths. */
export function fieldChanges(before: unknown, after: unknown, path = ""): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys
      .filter((k) => !(path === "" && IGNORED_INPUTS.has(k)))
      .flatMap((k) => fieldChanges(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => fieldChanges(item, after[i], `${path}[${i}]`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const SYMBOL: Record<Op, string> = {
  create: "+",
  update: "~",
  replace: "+-",
  delete: "-",
  same: " ",
  read: ">",
  refresh: "~",
  other: "?",
};

function show(value: unknown): string {
  if (value === undefined) return "(unset)";
  return `\`${JSON.stringify(value)}\``;
}

function changedFieldNames(change: PlannedChange): string[] {
  const top = new Set(
    fieldChanges(change.oldInputs, change.newInputs).map((f) => f.path.split(/[.[]/)[0]!),
  );
  return [...top];
}

function detailLines(change: PlannedChange): string[] {
  if (change.op === "create" || change.op === "delete") return [];
  const setFields = SET_FIELDS[change.type] ?? {};
  const lines: string[] = [];
  for (const [field, { noun, show: render }] of Object.entries(setFields)) {
    const before = asStrings(change.oldInputs[field]);
    const after = asStrings(change.newInputs[field]);
    const added = after.filter((x) => !before.includes(x));
    const removed = before.filter((x) => !after.includes(x));
    if (added.length === 0 && removed.length === 0) continue;
    lines.push(
      `- ${noun}s: ${added.length} added, ${removed.length} removed (${before.length} → ${after.length})`,
    );
    for (const item of added) lines.push(`  - added ${noun}: ${render(item)}`);
    for (const item of removed) lines.push(`  - removed ${noun}: ${render(item)}`);
  }
  const skipped = [...Object.keys(setFields), ...(SHOWN_THROUGH[change.type] ?? [])];
  for (const f of fieldChanges(change.oldInputs, change.newInputs)) {
    if (skipped.includes(f.path.split(/[.[]/)[0]!)) continue;
    lines.push(`- \`${f.path}\`: ${show(f.before)} → ${show(f.after)}`);
  }
  return lines;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

export interface SummaryOptions {
  stack?: string;
}

export function renderSummary(model: PreviewModel, options: SummaryOptions = {}): string {
  const title = options.stack ? `Pulumi preview of \`${options.stack}\`` : "Pulumi preview";
  const changes = model.changes.filter((c) => c.op !== "same" && c.type !== "Stack");
  const counts = (op: Op) => changes.filter((c) => c.op === op).length;
  const out: string[] = [`### ${title}`, ""];
  const production = isProduction(model.environment);
  const destructive = counts("replace") + counts("delete");
  if (production && destructive > 0) {
    out.push(
      `> [!CAUTION]`,
      `> **Production: ${counts("replace")} to replace and ${counts("delete")} to delete.** A replace deletes the live object and creates a new one (new ids, a gap in service); deleted objects are gone for every user. Review each line below before approving.`,
    );
    const unaccepted = unacceptedDestructiveChanges(model);
    if (unaccepted.length > 0) {
      out.push(
        `>`,
        `> **The deploy stops:** the stack file does not accept ${unaccepted.map((c) => `the ${c.op} of \`${c.name}\``).join(", ")}. If intended, list each under \`altinn-iac:acceptChanges\` (\`{ object: <name>, change: delete|replace, reason: ... }\`).`,
      );
    }
    out.push("");
  }
  if (model.errors.length > 0) {
    out.push("**The preview failed:**", "", ...model.errors.map((e) => `- ${oneLine(e)}`), "");
  }
  if (changes.length === 0) {
    out.push("No changes.", "");
  } else {
    const summary = (["create", "update", "replace", "delete"] as const)
      .filter((op) => counts(op) > 0)
      .map((op) => `${counts(op)} to ${op}`)
      .join(", ");
    out.push(summary, "", "| | Object | Type | Change |", "|---|---|---|---|");
    for (const change of changes) {
      const fields =
        change.op === "update" || change.op === "replace" ? changedFieldNames(change) : [];
      const what = fields.length > 0 ? `${change.op}: ${fields.join(", ")}` : change.op;
      out.push(`| \`${SYMBOL[change.op]}\` | \`${change.name}\` | ${change.type} | ${what} |`);
    }
    out.push("");
    for (const change of changes) {
      const lines = detailLines(change);
      if (lines.length === 0) continue;
      out.push(`#### \`${SYMBOL[change.op]}\` ${change.type} \`${change.name}\``, "", ...lines, "");
    }
  }
  if (model.warnings.length > 0) {
    out.push("**Warnings**", "", ...model.warnings.map((w) => `- ${oneLine(w)}`), "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
