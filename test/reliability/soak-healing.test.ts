import { describe, expect, it } from 'vitest';
import { createHealingTracker } from '../../soak/healing.js';

/**
 * How the soak run measures a rejection's healing when its replacement is revoked before it served
 * a call (busy fleet seed 4: a forced refresh's token revoked by a reissue, its replacement revoked
 * 2.7 s after it was stored by a crashed run). Each revocation is held to the limit on its own:
 * the cooldown + 60 s from its first report, and the first one up to its replacement being stored.
 */

const S = 1000;
const NO_OUTAGE = () => 0;
const ALARM = { threshold: 2, periodMs: 3600 * S };
const COOLDOWN_S = 60;

/** The seed-4 episode: refused at 0, reported at 5 s, replaced at `storedAtS`, that replacement revoked 3 s later, reported again 8 s later, accepted at `acceptedAtS`. */
function twoRevocations(storedAtS: number, acceptedAtS: number) {
  const healing = createHealingTracker(NO_OUTAGE, COOLDOWN_S, ALARM);
  healing.call('refused', 0);
  healing.reported(5 * S);
  healing.stored(storedAtS * S);
  healing.revoked();
  healing.reported((storedAtS + 8) * S);
  healing.call('refused', (storedAtS + 8) * S);
  healing.call('accepted', acceptedAtS * S);
  return healing.figures(acceptedAtS * S);
}

describe('the soak run: a replacement revoked before it served', () => {
  it('starts a new rejection: its report clock runs from its own first report', () => {
    // 61 s to the first replacement, then 75 s from the second revocation's first report: 145 s in all.
    const figures = twoRevocations(66, 149);

    expect(figures.episodes).toBe(1);
    expect(figures.reportToHealedSeconds.max).toBe(75);
    expect(figures.refusedToHealedSeconds.max).toBe(149);
    expect(figures.slowHeals).toBe(0);
  });

  it('still holds the rejection before it to the limit, up to its replacement being stored', () => {
    // The first replacement came 125 s after the first report: over cooldown + 60 = 120 s.
    const figures = twoRevocations(130, 160);

    expect(figures.reportToHealedSeconds.max).toBe(22);
    expect(figures.slowHeals).toBe(1);
  });

  it('keeps one report clock while no replacement was stored: a second revocation before it changes nothing', () => {
    const healing = createHealingTracker(NO_OUTAGE, COOLDOWN_S, ALARM);
    healing.call('refused', 0);
    healing.reported(5 * S);
    healing.revoked();
    healing.call('accepted', 140 * S);

    expect(healing.figures(140 * S)).toMatchObject({ reportToHealedSeconds: { max: 135 }, slowHeals: 1 });
  });
});
