/**
 * What every command of the project shares: its command line read one way, --help printed one way
 * and one exit convention: 0 done, 2 a usage error (its message, no stack trace), otherwise the
 * command's own failure code with the error's message on one line. Pure Node, so every layer's
 * command (program/, review/, verify/, vocabulary/) can use it.
 */

/** A command line the command cannot run: exit 2 with the message. */
export class UsageError extends Error {}

export type OptionKind = "string" | "boolean";

export type OptionValues<O extends Record<string, OptionKind>> = {
  [K in keyof O]?: O[K] extends "string" ? string : true;
};

export interface CommandLineSpec<O extends Record<string, OptionKind>> {
  /** The options by name without the leading `--`: a string option takes the next argument. */
  options: O;
  /** What follows each usage error, after a newline: the usage line, or the whole help. */
  usage: string;
  /** Whether the command takes arguments that are not options (a file, a subcommand). */
  positionals?: boolean;
  /** The first line of the error for an argument the command does not know. */
  unknownArgument?: (arg: string) => string;
}

export interface CommandLine<O extends Record<string, OptionKind>> {
  options: OptionValues<O>;
  positionals: string[];
}

/** Whether the command line asks for the help (`--help` or `-h` anywhere). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/** The usage error `message`, followed by the command's usage. */
export function usageError<O extends Record<string, OptionKind>>(
  spec: CommandLineSpec<O>,
  message: string,
): UsageError {
  return new UsageError(`${message}\n${spec.usage}`);
}

/**
 * The options and other arguments of `argv`, or "help"; a usage error names the argument that is
 * unknown or lacks its value. `-` alone is an argument (standard input), not an option.
 */
export function parseCommandLine<O extends Record<string, OptionKind>>(
  spec: CommandLineSpec<O>,
  argv: readonly string[],
): CommandLine<O> | "help" {
  if (wantsHelp(argv)) return "help";
  const options: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const isOption = arg.startsWith("-") && arg !== "-";
    const kind = isOption && arg.startsWith("--") ? spec.options[arg.slice(2)] : undefined;
    if (kind === "boolean") {
      options[arg.slice(2)] = true;
    } else if (kind === "string") {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) {
        throw usageError(spec, `${arg} needs a value`);
      }
      options[arg.slice(2)] = value;
      i++;
    } else if (!isOption && spec.positionals) {
      positionals.push(arg);
    } else {
      throw usageError(spec, spec.unknownArgument?.(arg) ?? `unknown argument ${arg}`);
    }
  }
  return { options: options as OptionValues<O>, positionals };
}

/** Prints a command's help on standard output (the code to exit with: 0). */
export function printHelp(help: string): 0 {
  console.log(help.endsWith("\n") ? help.slice(0, -1) : help);
  return 0;
}

/** The error as one line of text: its message, never its stack. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a command's `main` on `argv` and gives its exit code: a UsageError gives 2, any other error
 * `failureCode` (1 unless the command documents another), each written as its message alone.
 */
export async function runCommand(
  main: (argv: string[]) => number | Promise<number>,
  argv: string[],
  failureCode: number = 1,
): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    console.error(errorText(error));
    return error instanceof UsageError ? 2 : failureCode;
  }
}

/** Runs a command's `main` with the process's arguments, then exits with its code (runCommand). */
export function runMain(
  main: (argv: string[]) => number | Promise<number>,
  failureCode: number = 1,
): void {
  void runCommand(main, process.argv.slice(2), failureCode).then((code) => {
    process.exitCode = code;
    // Once what main wrote is out: a pipe may still hold it (asynchronous on some systems).
    let pending = 2;
    const written = () => --pending === 0 && process.exit(code);
    process.stdout.write("", written);
    process.stderr.write("", written);
  });
}
