/**
 * `--arch h100`, `--model llama-2-7b`, `--quant flightllm-w4a8`, `sweep h100-decode`: a name
 * resolves to the shipped file it names. A path that exists is used as given; a value that looks
 * like a path (has a '/' or ends in .json) is left for the loader (which names the missing file).
 * A name matches a shipped file name exactly, or is the unique file name it begins at a '-'
 * (`h100` → `h100-sxm`); several such files are ambiguous; none is an error with close matches.
 */
import { existsSync } from 'node:fs';
import { AccelscopeError } from '../util/errors.ts';
import { closeMatches } from '../util/close-matches.ts';
import { categoryNoun, shippedFiles, type Category } from './shipped.ts';

export function looksLikePath(text: string): boolean {
  return /[\\/]/.test(text) || text.endsWith('.json') || text.startsWith('.');
}

/** The shipped file `text` names, or undefined when no shipped file matches. Throws when several do. */
export function findShipped(category: Category, text: string, flag: string): string | undefined {
  const files = shippedFiles(category);
  const exact = files.find((f) => f.name === text);
  if (exact) return exact.path;
  const prefixed = files.filter((f) => f.name.startsWith(`${text}-`));
  if (prefixed.length === 1) return prefixed[0]!.path;
  if (prefixed.length > 1) {
    throw new AccelscopeError('bad-flag', `${flag} '${text}' is ambiguous: it could be ${prefixed.map((f) => f.name).join(', ')}`);
  }
  return undefined;
}

/** Close matches among the shipped names of a category, for an error message ('' when none). */
export function didYouMean(category: Category, text: string): string {
  const near = closeMatches(
    text,
    shippedFiles(category).map((f) => f.name),
  );
  return near.length ? `; did you mean ${near.join(', ')}?` : '';
}

/**
 * The file for a flag that takes a shipped name or a path. `orElse` (for --quant, whose value may
 * also be a scheme such as w4a16-g128) returns the value unchanged instead of failing when no
 * shipped file matches.
 */
export function resolveShippedName(category: Category, text: string, flag: string, orElse?: 'keep'): string {
  if (existsSync(text) || looksLikePath(text)) return text;
  const found = findShipped(category, text, flag);
  if (found) return found;
  if (orElse === 'keep') return text;
  throw new AccelscopeError(
    'bad-flag',
    `${flag} '${text}': no such file and no shipped ${categoryNoun(category)} of that name${didYouMean(category, text) || ` (accelscope list ${category} shows them)`}`,
  );
}
