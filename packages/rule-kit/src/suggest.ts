import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `input`, or undefined when none is close enough
 * or two are equally close (a suggestion must be unambiguous to be useful).
 * Comparison ignores case and treats `&`/`and`, `-`/`_`/space alike, so
 * "Memory and Retrieval" finds "Memory & Retrieval".
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalizeForMatch(input);
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    const d = distance(wanted, normalizeForMatch(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) {
      tie = true;
    }
  }
  if (best === undefined || tie) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(wanted.length, 1) * 0.4));
  return bestDistance <= limit ? best : undefined;
}

/**
 * Lower case, `&` as `and`, and each run of whitespace, `_` and `-` as one
 * space, trimmed: how names are compared for suggestions.
 */
export function normalizeForMatch(value: string): string {
  // ASCII (nearly every name and path): one pass over the lower-cased text,
  // copying the runs between separators. Anything else takes the regular
  // expressions, whose \s and case folding know all of Unicode.
  const lower = value.toLowerCase();
  let out = '';
  let run = -1;
  let separated = false;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c >= 128) return normalizeUnicode(value);
    const ampersand = c === 38;
    if (!ampersand && c !== 32 && c !== 45 && c !== 95 && (c < 9 || c > 13)) {
      if (run === -1) {
        if (separated && out !== '') out += ' ';
        separated = false;
        run = i;
      }
      continue;
    }
    if (run !== -1) {
      out += lower.slice(run, i);
      run = -1;
    }
    if (ampersand) out += out === '' ? 'and' : ' and';
    separated = true;
  }
  return run === -1 ? out : out + lower.slice(run);
}

/** `normalizeForMatch` for any text. */
export function normalizeUnicode(value: string): string {
  return value
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

/**
 * `value` without trailing characters from `chars` (default `/`). A loop, not
 * `/\/+$/`: an end-anchored run is retried from every start position, which
 * is quadratic on input like `////…x`.
 */
export function trimEnd(value: string, chars = '/'): string {
  let end = value.length;
  while (end > 0 && chars.includes(value.charAt(end - 1))) end--;
  return value.slice(0, end);
}
