import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';

describe('temporary folders of a test run (test/temp-root.ts)', () => {
  it("live under the run's own root, which the run removes at its end", () => {
    expect(basename(tmpdir())).toMatch(/^faspay-tests-/);
  });

  it('include the cdk.out* folder of an app synthesized without an outdir', () => {
    const app = new App();
    new Stack(app, 'Empty');

    expect(dirname(app.synth().directory)).toBe(tmpdir());
  });
});
