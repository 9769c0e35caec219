/**
 * Terminal output for the CLI. Plain lines only: no spinners or cursor movement, so
 * output piped to a file or read by a test looks exactly like what a person sees,
 * minus colour. Colour is used only on a TTY and never when NO_COLOR is set.
 */
import type { Writable } from "node:stream";

export interface Ui {
  /** Write one line to stdout. */
  line(...parts: string[]): void;
  /** "✔  message" */
  success(message: string): void;
  /** "✖  message" to stderr */
  error(message: string): void;
  /** "➜  message" */
  info(message: string): void;
  /** "➜  message" to stderr: context (such as the target line) that must not mix with a command's output on stdout. */
  note(message: string): void;
  /** Only with --verbose. */
  debug(message: string): void;
  readonly color: Colors;
}

export interface Colors {
  green(s: string): string;
  red(s: string): string;
  blue(s: string): string;
  gray(s: string): string;
  bold(s: string): string;
  yellow(s: string): string;
}

function colorsFor(enabled: boolean): Colors {
  const wrap = (open: number, close: number) => (s: string) =>
    enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return {
    green: wrap(32, 39),
    red: wrap(31, 39),
    blue: wrap(34, 39),
    gray: wrap(90, 39),
    bold: wrap(1, 22),
    yellow: wrap(33, 39),
  };
}

export function createUi(
  opts: { stdout?: Writable & { isTTY?: boolean }; stderr?: Writable; verbose?: boolean } = {},
): Ui {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const color = colorsFor(Boolean((stdout as { isTTY?: boolean }).isTTY) && !process.env.NO_COLOR);
  const write = (stream: Writable, text: string) => stream.write(text + "\n");
  return {
    color,
    line: (...parts) => write(stdout, parts.join("")),
    success: (m) => write(stdout, `${color.green("✔")}  ${m}`),
    error: (m) => write(stderr, `${color.red("✖")}  ${m}`),
    info: (m) => write(stdout, `${color.blue("➜")}  ${m}`),
    note: (m) => write(stderr, `${color.blue("➜")}  ${m}`),
    debug: (m) => {
      if (opts.verbose) write(stderr, color.gray(m));
    },
  };
}
