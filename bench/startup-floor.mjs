// The reference of bench/startup.bench.ts: what `formats fp16 --codes --json` wrote before it streamed; a bare script that builds
// 65,536 code objects of the same shape, JSON.stringify(…, null, 2)s them (7.9 MB) and writes them.
const codes = [];
for (let c = 0; c < 65536; c++) codes.push({ code: c, hex: `0x${c.toString(16).padStart(4, '0')}`, bits: c.toString(2).padStart(16, '0'), value: c / 3 });
process.stdout.write(JSON.stringify({ format: 'fp16', element: 'fp16', codes }, null, 2) + '\n');
