/**
 * `accelscope list [archs|models|quant|sweeps|stacks|systems] [--json]`: what ships with accelscope, one
 * line each: the name to pass (`--arch h100-sxm`), a description and its source.
 */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { CATEGORIES, describeShipped, type Category, type ShippedItem } from '../../catalog/shipped.ts';

export interface ListArgs {
  category?: Category;
  json: boolean;
}

function renderCategory(category: Category, items: ShippedItem[]): string {
  if (items.length === 0) return `${category}: none shipped\n`;
  const width = Math.max(...items.map((i) => i.name.length));
  return `${category}:\n${items.map((i) => `  ${i.name.padEnd(width)}  ${i.description} [source: ${i.source}]\n`).join('')}`;
}

export const listCommand = {
  command: 'list [category]',
  describe: 'list the arch configs, models, quant schemes, sweep specs, stacks and systems that ship, by name',
  builder: (y: Argv) =>
    y
      .positional('category', { type: 'string', choices: [...CATEGORIES], describe: 'one category (default: all)' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON array of {category, name, file, description, source}' }),
  handler: (a: ListArgs, io: Io): number => {
    const categories = a.category ? [a.category] : [...CATEGORIES];
    const byCategory = categories.map((c) => [c, describeShipped(c)] as const);
    if (a.json) {
      const rows = byCategory.flatMap(([, items]) =>
        items.map(({ category, name, file, description, source }) => ({ category, name, file, description, source })),
      );
      io.out(JSON.stringify(rows, null, 2) + '\n');
    } else {
      io.out(byCategory.map(([c, items]) => renderCategory(c, items)).join('\n'));
    }
    return 0;
  },
};
