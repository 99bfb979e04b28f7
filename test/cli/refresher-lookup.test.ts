import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../cli/exit-codes.js';
import { chooseRefresher, describeFound, recordsIn, refresherFlagValue } from '../../cli/refresher-lookup.js';
import { parseRefresherRecord, REFRESHER_RECORD_FORMAT } from '../../functions/contracts/refresher-record.js';
import { recordOutput, refresherRecord } from '../support/refresher-records.js';

const sandbox = refresherRecord('Payments', 'SandboxToken');
const production = refresherRecord('Payments', 'ProductionToken');
/** Same construct id as `production`, deeper in the tree: only its path tells them apart. */
const nested = refresherRecord('Payments', 'ProductionToken', {
  constructPath: 'Payments/Merchants/B/ProductionToken',
  tokenParameterName: '/payments/merchant-b/access-token',
});
const ALTERNATIVE = '--function NAME';

/** The error `choose` throws, with its exit code. */
function failureOf(choose: () => unknown): { code: string; message: string; exitCode: number } {
  try {
    choose();
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message, exitCode: exitCodeFor(error) };
  }
  throw new Error('expected the choice to fail');
}

describe('Refresher records: what the construct writes and the CLI reads', () => {
  it('reads a record back from its output value, and nothing from other outputs', () => {
    expect(parseRefresherRecord(recordOutput(production))).toEqual(production);
    expect(
      recordsIn([
        'FaspayTokenRefresher-Fn-abc123',
        '{"format":"other"}',
        '[1,2]',
        'null',
        recordOutput(sandbox),
        JSON.stringify({ ...production, functionName: '' }),
        JSON.stringify({ ...production, format: `${REFRESHER_RECORD_FORMAT}x` }),
        JSON.stringify({ ...production, tokenParameterName: 42 }),
        recordOutput(production),
      ]),
    ).toEqual([sandbox, production]);
  });
});

describe('chooseRefresher: one of the refreshers of a stack', () => {
  it('takes the only one without --refresher', () => {
    expect(chooseRefresher('Payments', [production], { alternative: ALTERNATIVE })).toBe(production);
  });

  it.each([
    ['its construct id', 'SandboxToken'],
    ['its path', 'Payments/SandboxToken'],
    ['its path within the stack', 'SandboxToken'],
    ['its token parameter name', '/payments/sandboxtoken/access-token'],
  ])('--refresher names one by %s', (_how, wanted) => {
    expect(chooseRefresher('Payments', [production, sandbox, nested], { refresher: wanted, alternative: ALTERNATIVE })).toBe(sandbox);
  });

  it('tells two constructs with the same id apart by path', () => {
    const records = [production, nested];
    expect(chooseRefresher('Payments', records, { refresher: 'Merchants/B/ProductionToken', alternative: ALTERNATIVE })).toBe(nested);
    expect(chooseRefresher('Payments', records, { refresher: 'Payments/ProductionToken', alternative: ALTERNATIVE })).toBe(production);
  });

  it('with several and no --refresher: REFRESHER_AMBIGUOUS (exit 2), listing each with its path and parameter', () => {
    const failure = failureOf(() => chooseRefresher('Payments', [sandbox, production], { alternative: ALTERNATIVE }));

    expect(failure).toMatchObject({ code: 'REFRESHER_AMBIGUOUS', exitCode: 2 });
    expect(failure.message).toBe(
      'stack "Payments" holds 2 refreshers: SandboxToken (path Payments/SandboxToken, parameter /payments/sandboxtoken/access-token), ' +
        'ProductionToken (path Payments/ProductionToken, parameter /payments/productiontoken/access-token); ' +
        'pick one with --refresher (its construct id, path or token parameter name)',
    );
  });

  it('a --refresher that names two (one id, two paths) is ambiguous too, listing only those', () => {
    const failure = failureOf(() =>
      chooseRefresher('Payments', [sandbox, production, nested], { refresher: 'ProductionToken', alternative: ALTERNATIVE }),
    );

    expect(failure).toMatchObject({ code: 'REFRESHER_AMBIGUOUS', exitCode: 2 });
    expect(failure.message).toMatch(
      /^stack "Payments" holds 2 refreshers named "ProductionToken": ProductionToken \(path Payments\/ProductionToken, /,
    );
    expect(failure.message).toContain('path Payments/Merchants/B/ProductionToken');
    expect(failure.message).not.toContain('SandboxToken');
  });

  it('a --refresher that names none: REFRESHER_NOT_FOUND (exit 3), listing what the stack holds', () => {
    const failure = failureOf(() => chooseRefresher('Payments', [sandbox], { refresher: 'Staging', alternative: ALTERNATIVE }));

    expect(failure).toMatchObject({ code: 'REFRESHER_NOT_FOUND', exitCode: 3 });
    expect(failure.message).toBe(
      'stack "Payments" holds no refresher "Staging"; it holds SandboxToken (path Payments/SandboxToken, ' +
        'parameter /payments/sandboxtoken/access-token): pass one of them to --refresher',
    );
  });

  it('a stack without a record: REFRESHER_NOT_FOUND (exit 3), offering the flag that names the resource directly', () => {
    const failure = failureOf(() => chooseRefresher('Legacy', [], { refresher: 'x', alternative: '--secret-id ID' }));

    expect(failure).toMatchObject({ code: 'REFRESHER_NOT_FOUND', exitCode: 3 });
    expect(failure.message).toMatch(/^stack "Legacy" holds no FaspayTokenRefresher: .* or pass --secret-id ID$/);
  });

  it('names a found refresher by its path within the stack, which --refresher takes back', () => {
    expect(refresherFlagValue(nested)).toBe('Merchants/B/ProductionToken');
    expect(describeFound({ stackName: 'Payments', record: nested, egressAddresses: [] })).toBe(
      'refresher Merchants/B/ProductionToken of stack Payments',
    );
    expect(chooseRefresher('Payments', [production, nested], { refresher: refresherFlagValue(nested), alternative: ALTERNATIVE })).toBe(
      nested,
    );
  });
});
