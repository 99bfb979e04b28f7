import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary root per test run: every test process (and every child it starts) gets it as
 * TMPDIR, so whatever anything creates with os.tmpdir() (the CDK's cdk.out* folders of apps
 * without an outdir, mkdtemp folders, moto's and the CLI's files) lives under it, and it is
 * removed when the run ends: a test run leaves nothing in the system's temporary directory.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'faspay-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
