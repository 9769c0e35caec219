/**
 * How deep a JSON text nests, found by one scan of its characters before it is parsed.
 * JSON.parse itself takes any depth, but what walks the result afterwards (pattern
 * matchers, validators, serializers) recurses, and 50,000 levels of `[` overflow the
 * stack: a 500 instead of the service's validation error. Each parser of caller JSON
 * checks its depth against the limit the service documents (or a generous one) first.
 */

/** True when `text`, read as JSON, nests objects and arrays more than `limit` levels deep. */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    }
  }
  return false;
}

/**
 * Generous depth for a whole request body or an embedded JSON document: AWS's own JSON
 * readers stop at about this (Jackson's default is 1,000); no API shape comes close.
 */
export const MAX_JSON_DEPTH = 1000;
