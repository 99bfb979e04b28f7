import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../cli/exit-codes.js';
import { ROOT } from './doc-blocks.js';

/*
 * Keeps the front door and docs/ true: relative links and their #anchors resolve, the npm scripts
 * they tell readers to run exist, and the exit-code table is the CLI's own.
 */

const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const read = (page: string): string => readFileSync(join(ROOT, page), 'utf8');

/** The text outside fenced code blocks (links in code are examples, not links). */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = heading!
      .toLowerCase()
      .replace(/<[^>]+>/g, '')
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

interface Link {
  readonly page: string;
  readonly target: string;
}

function relativeLinks(page: string): Link[] {
  return [...prose(read(page)).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => ({ page, target }));
}

/** What is wrong with one link, or undefined when it resolves. */
function brokenReason({ page, target }: Link): string | undefined {
  const [path = '', anchor] = target.split('#', 2);
  const file = path === '' ? join(ROOT, page) : join(ROOT, dirname(page), decodeURIComponent(path));
  if (!existsSync(file)) return `no file ${relative(ROOT, file)}`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(file).isDirectory() || !file.endsWith('.md')) return `#${anchor} on a file that is not markdown`;
  return anchorsOf(readFileSync(file, 'utf8')).has(anchor) ? undefined : `no heading for #${anchor} in ${relative(ROOT, file)}`;
}

describe('README.md and docs/', () => {
  it('the README stays a front door: at most 250 lines, and it links every page of docs/', () => {
    const readme = read('README.md');

    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    for (const page of PAGES.filter((name) => name.startsWith('docs/'))) expect(readme).toContain(`](${page}`);
  });

  it('every relative link resolves, #anchors included', () => {
    const links = PAGES.flatMap(relativeLinks);
    const broken = links.map((link) => ({ ...link, reason: brokenReason(link) })).filter((link) => link.reason !== undefined);

    expect(links.length).toBeGreaterThan(30);
    expect(broken).toEqual([]);
  });

  it('every npm script a page tells you to run exists in package.json', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const named = new Set<string>();
    for (const page of PAGES) {
      for (const [, script] of read(page).matchAll(/\bnpm run (?:--silent |-s )?([a-z][\w:.-]*)/g)) named.add(script!);
      for (const [, builtin] of read(page).matchAll(/\bnpm (start|test)\b/g)) named.add(builtin!);
    }
    const missing = [...named].filter((script) => !(script in scripts));

    expect(named.size).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });

  it('the exit-code table of docs/operate.md is EXIT_CODES, name for name and code for code', () => {
    const operate = read('docs/operate.md');
    const section = operate.slice(operate.indexOf('## Exit codes'), operate.indexOf('\n## ', operate.indexOf('## Exit codes') + 1));
    const rows = [...section.matchAll(/^\| (\d+) \| `(\w+)` \|/gm)].map(([, code, name]) => [name!, Number(code)] as const);

    expect(Object.fromEntries(rows)).toEqual({ ...EXIT_CODES });
    expect(rows.map(([, code]) => code)).toEqual([...Object.values(EXIT_CODES)].sort((a, b) => a - b));
  });
});

describe("the anchor rule (GitHub's)", () => {
  it.each([
    ['### `refresh`: force a refresh of the deployed function', 'refresh-force-a-refresh-of-the-deployed-function'],
    ['### 3. Put the Faspay credentials into the secret', '3-put-the-faspay-credentials-into-the-secret'],
    ["## The function's environment", 'the-functions-environment'],
    ['## Try it without AWS (moto)', 'try-it-without-aws-moto'],
  ])('%s -> #%s', (heading, anchor) => {
    expect(anchorsOf(`${heading}\n`)).toEqual(new Set([anchor]));
  });
});
