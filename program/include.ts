import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { parseDocument } from "yaml";
import { closest } from "../policies/findings";
import { oversizedValues } from "../providers/lib/check";
import { CONFIG_KEYS } from "../providers/lib/settings";
import { objectKinds } from "../providers/object-kinds";

/**
 * `altinn-iac:include`: setup collections read from YAML or JSON files in the project directory.
 * The engine hands the whole stack config to the program in one environment variable, which Linux
 * caps at 128 KiB, so a large setup (hundreds of objects, an access list of 10,000 members) cannot
 * sit in the stack file. An included file holds the same collections with the same shapes as the
 * stack file, without the namespace; everything that names the environment or a credential stays
 * in the stack file, so test and prod can share one setup file.
 */

export const INCLUDE_KEY = "include";

/** The built-in collections an included file may hold, in the stack file's order. */
const BUILT_IN_COLLECTIONS = [
  "resources",
  "accessLists",
  "maskinportenClients",
  "maskinportenClientKeys",
  "subscriptions",
];

/** The collections an included file may hold: the built-in ones, then other registered kinds'. */
export function includableKeys(): string[] {
  const registered = objectKinds().flatMap(({ stack }) => (stack ? [stack.key] : []));
  return [...new Set([...BUILT_IN_COLLECTIONS, ...registered])];
}
export type IncludableKey = string;

/** Keys that only the stack file holds (its setup keys besides the collections, and include). */
const STACK_FILE_KEYS = ["environment", "org", "protect", "preflight", "verification", INCLUDE_KEY];
const SECRET_KEYS: readonly string[] = [
  CONFIG_KEYS.privateKey,
  CONFIG_KEYS.selfServicePrivateKey,
  CONFIG_KEYS.selfServiceCertificate,
];
const EXTENSIONS = [".yaml", ".yml", ".json"];
const NAMESPACE_PREFIX = "altinn-iac:";

/** One included file: its path as the user sees it (relative, `/`-separated) and its entries. */
export interface IncludedFile {
  path: string;
  entries: Partial<Record<IncludableKey, unknown[]>>;
}

export interface IncludeResult {
  files: IncludedFile[];
  /** One line each (indented, as loadStackConfig lists them), naming the file or include entry. */
  problems: string[];
}

/**
 * Reads the files `include` names, relative to `projectDir`, in order (a directory's YAML and JSON
 * files sorted by name). Problems with a path, a file's syntax, its keys or its sizes are
 * returned, never thrown, so the stack file's own problems are listed with them.
 */
export function readIncludes(include: unknown, projectDir: string): IncludeResult {
  const problems: string[] = [];
  const where = `${NAMESPACE_PREFIX}${INCLUDE_KEY}`;
  if (!Array.isArray(include)) {
    return {
      files: [],
      problems: [
        `  ${where}: a list of files or directories inside the project directory, such as [setup/resources.yaml, setup/access-lists] (got ${JSON.stringify(include)})`,
      ],
    };
  }
  const root = realpathSync(projectDir);
  const includedBy = new Map<string, string>();
  const paths: Array<{ file: string; shown: string }> = [];
  include.forEach((entry: unknown, i) => {
    const at = `${where}.${i}`;
    if (typeof entry !== "string" || entry.trim() === "") {
      problems.push(
        `  ${at}: a path relative to the project directory, such as setup/resources.yaml (got ${JSON.stringify(entry)})`,
      );
      return;
    }
    const found = resolveEntry(entry, projectDir, root);
    if ("problem" in found) {
      problems.push(`  ${at}: ${found.problem}`);
      return;
    }
    for (const file of found.files) {
      const shown = displayPath(file, root);
      const earlier = includedBy.get(file);
      if (earlier !== undefined) {
        problems.push(
          `  ${at}: ${shown} is already included by ${earlier}: list each file once, or its entries are declared twice`,
        );
        continue;
      }
      includedBy.set(file, at);
      paths.push({ file, shown });
    }
  });
  const files: IncludedFile[] = [];
  for (const { file, shown } of paths) {
    const read = readIncludedFile(file, shown);
    problems.push(...read.problems);
    if (read.file) files.push(read.file);
  }
  return { files, problems };
}

/** The files of one include entry, or why it cannot be included. */
function resolveEntry(
  entry: string,
  projectDir: string,
  root: string,
): { files: string[] } | { problem: string } {
  const target = resolve(projectDir, entry);
  if (!inside(resolve(projectDir), target) && !inside(root, target)) {
    return {
      problem: `"${entry}" is outside the project directory (${root}): include files inside it, next to Pulumi.yaml, so they are reviewed and versioned with the stack file`,
    };
  }
  if (!existsSync(target)) {
    return {
      problem: `"${entry}" does not exist in the project directory (${root}): create it, or fix the path (paths are relative to the directory of Pulumi.yaml)`,
    };
  }
  // A symbolic link may lead out of the project even when its own path is inside.
  const real = realpathSync(target);
  if (!inside(root, real)) {
    return {
      problem: `"${entry}" leads outside the project directory (to ${real}): include files inside it, next to Pulumi.yaml, so they are reviewed and versioned with the stack file`,
    };
  }
  if (statSync(real).isDirectory()) {
    const files = readdirSync(real, { withFileTypes: true })
      .filter((d) => EXTENSIONS.includes(extname(d.name).toLowerCase()))
      .map((d) => join(real, d.name))
      .filter((file) => statSync(file).isFile())
      .sort();
    if (files.length === 0) {
      return {
        problem: `the directory "${entry}" holds no .yaml, .yml or .json file: put the setup files directly in it, or remove it from the list`,
      };
    }
    return { files };
  }
  if (!EXTENSIONS.includes(extname(real).toLowerCase())) {
    return {
      problem: `"${entry}" is not a YAML or JSON file: include .yaml, .yml or .json files, or a directory of them`,
    };
  }
  return { files: [real] };
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

function displayPath(file: string, root: string): string {
  return relative(root, file).split(sep).join("/");
}

function readIncludedFile(
  file: string,
  shown: string,
): { file?: IncludedFile; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { problems: [`  ${shown}: cannot be read: ${(error as Error).message}`] };
  }
  const parsed = extname(file).toLowerCase() === ".json" ? parseJson(text) : parseYaml(text);
  if ("problem" in parsed) return { problems: [`  ${shown}: ${parsed.problem}`] };
  const content = parsed.value;
  if (content === null || content === undefined)
    return { file: { path: shown, entries: {} }, problems: [] };
  if (typeof content !== "object" || Array.isArray(content)) {
    return {
      problems: [
        `  ${shown}: the file holds ${Array.isArray(content) ? "a list" : JSON.stringify(content)}: it holds a mapping of collections, such as "resources: [...]" (${includableKeys().join(", ")})`,
      ],
    };
  }
  const problems: string[] = [];
  const entries: IncludedFile["entries"] = {};
  for (const [key, value] of Object.entries(content as Record<string, unknown>)) {
    if (!includableKeys().includes(key)) {
      problems.push(`  ${shown}: ${key}: ${misplacedKey(key)}`);
      continue;
    }
    if (!Array.isArray(value)) {
      problems.push(
        `  ${shown}: ${key}: a list of entries, as under ${NAMESPACE_PREFIX}${key} in the stack file (got ${describe(value)})`,
      );
      continue;
    }
    entries[key as IncludableKey] = value as unknown[];
  }
  // Huge values are refused before the schema echoes them back in its messages.
  for (const failure of oversizedValues(entries)) {
    problems.push(`  ${shown}: ${failure.property}: ${failure.reason}`);
  }
  return problems.length > 0 ? { problems } : { file: { path: shown, entries }, problems };
}

/** Why a top-level key cannot be in an included file, and where it goes. */
function misplacedKey(key: string): string {
  const bare = key.startsWith(NAMESPACE_PREFIX) ? key.slice(NAMESPACE_PREFIX.length) : key;
  if (includableKeys().includes(bare)) {
    return `write the key without the namespace, as ${bare}`;
  }
  if (SECRET_KEYS.includes(bare)) {
    return `a secret never goes in a plain file: remove it from the file (and replace the secret if the file was ever committed) and set it in the stack with pulumi config set --secret ${NAMESPACE_PREFIX}${bare}`;
  }
  if (STACK_FILE_KEYS.includes(bare) || (Object.values(CONFIG_KEYS) as string[]).includes(bare)) {
    return `belongs in the stack file (Pulumi.<stack>.yaml) as ${NAMESPACE_PREFIX}${bare}: an included file holds only ${includableKeys().join(", ")}`;
  }
  const close = closest(bare, includableKeys());
  return close
    ? `unknown key: did you mean "${close}"?`
    : `unknown key: an included file holds only ${includableKeys().join(", ")}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}

function parseJson(text: string): { value: unknown } | { problem: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { problem: `not valid JSON: ${(error as Error).message}` };
  }
}

function parseYaml(text: string): { value: unknown } | { problem: string } {
  const document = parseDocument(text);
  const error = document.errors[0];
  if (error) {
    // The library's message ends with a copy of the offending lines; the position is enough.
    const [line, column] = [error.linePos?.[0].line, error.linePos?.[0].col];
    const reason = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    return {
      problem: `not valid YAML${line ? ` (line ${line}, column ${column})` : ""}: ${reason}`,
    };
  }
  try {
    return { value: document.toJS() as unknown };
  } catch (error) {
    // Such as an alias expanded past the library's limit (a "billion laughs" file).
    return { problem: `not valid YAML: ${(error as Error).message}` };
  }
}
