/**
 * Wildcard patterns (`*` any run of characters, optionally `?` exactly one) matched
 * without backtracking. A regular expression built from `*a*a*a…b` backtracks: each star
 * retries every split of the value, and 18 stars against a long value took minutes
 * while blocking every other request. Here a pattern is cut at its stars into fixed
 * pieces; the first must start the value, the last must end it, and each one between is
 * found at its leftmost place after the one before. Leftmost is always right: a piece
 * placed later only leaves less room for the ones after it. The work is one scan of the
 * value per piece, whatever the pattern.
 *
 * Used by IAM (actions, resources, *Like conditions, bucket policies), EventBridge and
 * SNS `wildcard` matchers, CloudWatch Logs filter patterns, Lambda event filters and
 * API Gateway authorizer policies.
 */

/** A piece between stars; `any[i]` marks a `?` at position i (null when there is none). */
interface Piece {
  readonly text: string;
  readonly any: Uint8Array | null;
}

export interface Glob {
  /** The pieces between stars; one piece means the pattern has no star. */
  readonly pieces: readonly Piece[];
  /** The shortest value that can match: the pieces' lengths added up. */
  readonly minLength: number;
  readonly ignoreCase: boolean;
}

export interface GlobOptions {
  /** `?` matches exactly one character (IAM). @default false: `?` is literal */
  questionMark?: boolean;
  /** `\*` is a literal star and `\\` a literal backslash (EventBridge). @default false */
  escapes?: boolean;
  /** Compare ignoring case (IAM actions). @default false */
  ignoreCase?: boolean;
}

export function compileGlob(pattern: string, opts: GlobOptions = {}): Glob {
  const source = opts.ignoreCase ? pattern.toLowerCase() : pattern;
  const pieces: Piece[] = [];
  let text = "";
  let any: number[] = [];
  const endPiece = () => {
    let mask: Uint8Array | null = null;
    if (any.length > 0) {
      mask = new Uint8Array(text.length);
      for (const i of any) mask[i] = 1;
    }
    pieces.push({ text, any: mask });
    text = "";
    any = [];
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (opts.escapes && c === "\\" && (source[i + 1] === "*" || source[i + 1] === "\\")) {
      text += source[++i];
    } else if (c === "*") {
      endPiece();
      // Stars in a row are one star.
      while (source[i + 1] === "*") i++;
    } else if (c === "?" && opts.questionMark) {
      any.push(text.length);
      text += "?";
    } else {
      text += c;
    }
  }
  endPiece();
  let minLength = 0;
  for (const p of pieces) minLength += p.text.length;
  return { pieces, minLength, ignoreCase: !!opts.ignoreCase };
}

export function globMatches(glob: Glob, value: string): boolean {
  const s = glob.ignoreCase ? value.toLowerCase() : value;
  const pieces = glob.pieces;
  const last = pieces.length - 1;
  if (last === 0) return s.length === pieces[0]!.text.length && matchesAt(pieces[0]!, s, 0);
  if (s.length < glob.minLength) return false;
  const head = pieces[0]!;
  const tail = pieces[last]!;
  if (!matchesAt(head, s, 0) || !matchesAt(tail, s, s.length - tail.text.length)) return false;
  let from = head.text.length;
  const end = s.length - tail.text.length;
  for (let i = 1; i < last; i++) {
    const piece = pieces[i]!;
    const at = find(piece, s, from, end);
    if (at < 0) return false;
    from = at + piece.text.length;
  }
  return true;
}

/** Compiles and matches in one go (for patterns used once). */
export function globMatch(pattern: string, value: string, opts?: GlobOptions): boolean {
  return globMatches(compileGlob(pattern, opts), value);
}

function matchesAt(piece: Piece, s: string, at: number): boolean {
  const text = piece.text;
  if (piece.any === null) return s.startsWith(text, at);
  for (let j = 0; j < text.length; j++) {
    if (piece.any[j] === 0 && s.charCodeAt(at + j) !== text.charCodeAt(j)) return false;
  }
  return true;
}

/** The leftmost place at or after `from` where `piece` fits entirely before `end`, or -1. */
function find(piece: Piece, s: string, from: number, end: number): number {
  const length = piece.text.length;
  if (piece.any === null) {
    const at = s.indexOf(piece.text, from);
    return at >= 0 && at + length <= end ? at : -1;
  }
  for (let at = from; at + length <= end; at++) if (matchesAt(piece, s, at)) return at;
  return -1;
}
