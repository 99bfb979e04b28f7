import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type NumberSetting, REFRESHER_SETTINGS, type Setting } from '../../functions/contracts/settings.js';
import { CONTEXT_DEFAULTS } from '../../infra/stack-config.js';

/** The rows of docs/configuration.md's "The function's environment" table, by variable. */
function environmentTable(): Map<string, { required: string; defaultValue: string; meaning: string }> {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const section = doc.split("## The function's environment")[1]!.split('\n## ')[0]!;
  const rows = new Map<string, { required: string; defaultValue: string; meaning: string }>();
  for (const line of section.split('\n')) {
    const cells = /^\| `([A-Z0-9_]+)` \| (yes|no) \|([^|]*)\| (.*) \|$/.exec(line);
    if (cells !== null) rows.set(cells[1]!, { required: cells[2]!, defaultValue: cells[3]!.trim(), meaning: cells[4]! });
  }
  return rows;
}

describe('docs/configuration.md', () => {
  it('lists exactly the declared variables, each with its declared default, requirement and range', () => {
    // GIVEN the table as readers see it and the declarations the function parses with
    const rows = environmentTable();
    const settings = Object.values(REFRESHER_SETTINGS) as (Setting<unknown> & Partial<NumberSetting>)[];
    // THEN
    expect([...rows.keys()].sort()).toEqual(settings.map((setting) => setting.env).sort());
    for (const setting of settings) {
      const row = rows.get(setting.env)!;
      expect(row.required, setting.env).toBe('required' in setting ? 'yes' : 'no');
      if ('default' in setting) expect(row.defaultValue, setting.env).toBe(`\`${setting.render(setting.default)}\``);
      if (setting.min !== undefined) expect(row.meaning, setting.env).toContain(`(${setting.min} to ${setting.max}`);
    }
  });

  it('lists exactly the CDK context keys the stack reads, with their cdk.json defaults', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const section = doc.split('## CDK context')[1]!.split('\n## ')[0]!;
    const rows = new Map([...section.matchAll(/^\| `([a-zA-Z]+)` \| ([^|]*) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]));
    expect([...rows.keys()].sort()).toEqual(Object.keys(CONTEXT_DEFAULTS).sort());
    for (const [key, value] of Object.entries(CONTEXT_DEFAULTS)) {
      if (value === undefined) expect(rows.get(key), key).toMatch(/^not set/);
      else expect(rows.get(key), key).toBe(`\`${value}\``);
    }
  });
});
