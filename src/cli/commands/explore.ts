/**
 * `accelscope explore -o explore.html`: one offline page that carries the simulator (bundled with
 * esbuild) and the shipped archs, models and quant schemes; choosing arch, model, phase, batch,
 * context/seq and quant recomputes and redraws in the browser (docs/reports.md).
 */
import type { Argv } from 'yargs';
import type { Io } from '../io.ts';
import { exploreCatalog } from '../../explore/catalog.ts';
import { renderExplorer } from '../../explore/page.ts';
import { writeFileAtomic } from '../../util/json-file.ts';
import { formatBytes } from '../../util/format.ts';

export const exploreCommand = {
  command: 'explore',
  describe: 'write one offline HTML page that runs the simulator in the browser (what-if explorer)',
  builder: (y: Argv) => y.option('out', { alias: 'o', type: 'string', default: 'reports/explore.html', describe: 'HTML file to write (string)' }),
  handler: async (a: { out: string }, io: Io): Promise<number> => {
    const cat = exploreCatalog();
    const html = await renderExplorer(cat);
    writeFileAtomic(a.out, html);
    io.out(
      `wrote ${a.out} (${formatBytes(Buffer.byteLength(html))}, explorer: ${cat.archs.length} archs, ${cat.models.length} models, ${cat.quants.length} quant schemes)\n`,
    );
    return 0;
  },
};
