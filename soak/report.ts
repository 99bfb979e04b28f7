import type { SoakReport } from './figures.js';
import { HEAL_TARGET_SECONDS } from './healing.js';
import { SOAK_DEFAULTS } from './options.js';

const fixed = (value: number, digits = 2) => value.toFixed(digits);

/** The report as a Markdown table, with the verdict first. */
export function formatReport(report: SoakReport): string {
  const { options: o, tokens: t, faspay: f, refresher: r, consumers: c, healing: h } = report;
  const kinds = Object.entries(f.failuresByKind)
    .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  const failedReads =
    Object.entries(c.failedReads)
      .map(([code, count]) => `${code} ${count}`)
      .join(', ') || 'none';
  const ignored =
    Object.entries(h.reportsIgnored)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ') || 'none';
  const rows: [string, string][] = [
    [
      'tokens issued (all; by the schedule); scheduled per day after the first (mean); worst day',
      `${t.issued}; ${t.issuedBySchedule}; ${fixed(t.issuedPerDay)}; ${t.worstDay}`,
    ],
    ['minimum per day (24 h / token lifetime)', fixed(t.minimumPerDay)],
    ['**scheduled tokens issued per day per minimum**', `**${fixed(t.perMinimum, 3)}** (limit 1.3)`],
    [
      'token age when replaced, hours (min / mean / max)',
      `${fixed(t.replacedAtAgeHours.min)} / ${fixed(t.replacedAtAgeHours.mean)} / ${fixed(t.replacedAtAgeHours.max)}`,
    ],
    ['token requests; failed', `${f.requests}; ${f.failedRequests}`],
    ['failed requests per day (mean; worst day)', `${fixed(f.failedPerDay)}; ${f.worstDayFailed}`],
    ['failures by kind', kinds || 'none'],
    ['tokens lost in transit (counted as failed requests)', String(t.lostInTransit)],
    ['Faspay outages; longest (min)', `${f.outages}; ${fixed(f.longestOutageMinutes, 0)}`],
    ['scheduled runs: refreshed / skipped (fresh) / failed', `${r.refreshed} / ${r.skipped} / ${r.failed}`],
    [
      "forced refreshes (each then reissued outside); runs that crashed holding the lease; the refresher's own SendMe calls",
      `${r.forced}; ${r.crashed}; ${r.sendmeCalls}`,
    ],
    ['consumer reads; document reads (SSM)', `${c.reads}; ${c.storeReads}`],
    ['consumer reads that failed', failedReads],
    ['least lifetime left on a token handed out (min)', fixed(c.minRemainingMinutes, 1)],
    ['**longest time a consumer held a token with < 1 h left (min)**', `**${fixed(c.longestUnderAnHourMinutes, 1)}**`],
    ['**expired tokens handed out**', `**${c.expiredHandedOut}**`],
    [
      'signed consumer calls: accepted / accepted on the retry / **refused (failed)**',
      `${c.calls.accepted} / ${c.calls.acceptedOnRetry} / **${c.calls.refused}**`,
    ],
    ['outside reissues; episodes of refused calls (unhealed at the end)', `${h.outsideReissues}; ${h.episodes} (${h.unhealedAtEnd})`],
    [
      'rejection reports sent; refresher invocations by reports (failed)',
      `${c.reports}; ${h.reportInvocations} (${h.reportInvocationsFailed})`,
    ],
    ['report invocations that changed nothing', ignored],
    [
      '**tokens spent on healing: published (created, lost ones included); bought with no revocation since the last stored token**',
      `**${h.tokensPublished}** (${h.tokensCreated}); **${h.tokensWithoutRevocation}** (limit 0)`,
    ],
    [
      '**first report to first accepted call, s (mean / max), Faspay answering**',
      `${fixed(h.reportToHealedSeconds.mean, 1)} / **${fixed(h.reportToHealedSeconds.max, 1)}** (limit cooldown + ${HEAL_TARGET_SECONDS} = ${h.reportTargetSeconds})`,
    ],
    [
      'healings that met a Faspay outage; first report to first accepted call without the outage time, s (mean / max)',
      `${h.episodesInOutage}; ${fixed(h.inOutageHealedWhileUpSeconds.mean, 1)} / ${fixed(h.inOutageHealedWhileUpSeconds.max, 1)} (until the schedule's next run gets a token)`,
    ],
    [
      '**replacement stored to first accepted call, s (mean / max)**',
      `${fixed(h.storedToHealedSeconds.mean, 1)} / **${fixed(h.storedToHealedSeconds.max, 1)}** (limit ${HEAL_TARGET_SECONDS})`,
    ],
    [
      'first refused call to first accepted call, all, s (mean / max)',
      `${fixed(h.refusedToHealedSeconds.mean, 1)} / ${fixed(h.refusedToHealedSeconds.max, 1)}`,
    ],
    ['rejections over their limit; episodes that met the cooldown', `${h.slowHeals}; ${h.cooldownEpisodes}`],
    ...(c.misconfigured.consumers === 0
      ? []
      : ([
          [
            'misconfigured consumers: calls (refused); reports sent; report invocations',
            `${c.misconfigured.calls} (${c.misconfigured.refused}); ${c.misconfigured.reports}; ${h.misconfigured.invocations}`,
          ],
          [
            "**misconfigured consumers' reports: tokens bought; refuted; hours the refuted-report alarm fired**",
            `**${h.misconfigured.tokensBought}** (limit 0); **${h.misconfigured.refuted}**; **${h.refutedAlarmPeriods}**`,
          ],
        ] satisfies [string, string][])),
  ];
  const verdict =
    report.problems.length === 0
      ? `PASS: at most 1.3 scheduled tokens per day per minimum, no expired token handed out, every consumer read served, every rejection healed within cooldown + ${HEAL_TARGET_SECONDS} s of its first report (Faspay answering) and within ${HEAL_TARGET_SECONDS} s of its replacement, with at most one token per revocation` +
        (o.misconfiguredConsumers > 0 ? ", no token bought on a misconfigured consumer's report" : '')
      : `FAIL: ${report.problems.join('; ')}`;
  return [
    `Simulated ${o.days} days (seed ${o.seed}): schedule every ${o.scheduleMinutes} min, refresh ${o.refreshBeforeExpirySeconds / 3600} h before a ` +
      `${o.tokenLifetimeSeconds / 3600} h expiry, Faspay failing ${fixed(o.failureRate * 100, 0)}% of requests plus ${o.outagesPerDay} outage(s) a day ` +
      `of ${o.minOutageMinutes}–${o.maxOutageMinutes} min, ${o.consumers} consumers reading and calling SendMe every ${o.consumerReadSeconds} s` +
      (o.busyConsumers > 0 ? ` and ${o.busyConsumers} every ${o.busyReadSeconds} s` : '') +
      (o.misconfiguredConsumers > 0 ? `, ${o.misconfiguredConsumers} misconfigured (wrong time zone)` : '') +
      `; ${o.revokeOnIssue ? 'Faspay revokes earlier tokens on issue' : 'Faspay keeps earlier tokens valid'}, ${o.reissuesPerDay} outside reissue(s) a day, ` +
      (o.forcedReissuesPerDay > 0 ? `${o.forcedReissuesPerDay} forced refresh(es) a day each reissued 2 s later, ` : '') +
      (o.crashedRunsPerDay > 0 ? `${o.crashedRunsPerDay} crashed run(s) a day, ` : '') +
      (o.tokenLifetimeSeconds === SOAK_DEFAULTS.tokenLifetimeSeconds ? '' : `Faspay granting ${o.tokenLifetimeSeconds} s tokens, `) +
      `rejection cooldown ${o.rejectionCooldownSeconds} s, ${o.functionAsyncRetryAttempts} Lambda retries of a failed report.`,
    '',
    '| figure | value |',
    '|---|---|',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
    '',
    verdict,
  ].join('\n');
}
