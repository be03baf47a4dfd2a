/** `nashra digest status|pause|resume|cancel`: the line format, and the commands over a test database. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatEditionLine, progressBar, runDigestCli, type CliIo, type EditionLine } from '../../src/cli-digest.js';
import { runDigestTick } from '../../src/digests/schedule.js';
import { emptyCounts } from '../../src/storage/editions-admin.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';

const line = (over: Partial<EditionLine> = {}): EditionLine => ({
  id: '01KB0000000000000000000000',
  cadence: 'daily',
  periodKey: '2026-11-29',
  segment: 'all',
  status: 'sending',
  counts: { ...emptyCounts(), submitted: 410, bounced: 2, failed: 1, skipped: 3, pending: 584, total: 1000 },
  stuck: false,
  problems: [],
  ...over,
});

describe('digest status lines', () => {
  it('shows settled out of total as an ASCII bar off a terminal, with every count', () => {
    expect(formatEditionLine(line(), { unicode: false })).toBe(
      '01KB0000000000000000000000  daily   2026-11-29  all  sending    [########............]   41%  submitted 410 · bounced 2 · failed 1 · skipped 3 · pending 584  (of 1000)',
    );
  });

  it('draws blocks on a terminal, and names what is stuck', () => {
    const stuck = line({ counts: { ...emptyCounts(), submitted: 5, sending: 12, pending: 3, total: 20 }, stuck: true, problems: ['12 deliveries held by a sender whose lease ran out 20 minutes ago'] });
    expect(formatEditionLine(stuck, { unicode: true })).toBe(
      '01KB0000000000000000000000  daily   2026-11-29  all  sending    [█████░░░░░░░░░░░░░░░]   25%  submitted 5 · bounced 0 · failed 0 · skipped 0 · sending 12 · pending 3  (of 20)' +
        '  STUCK: 12 deliveries held by a sender whose lease ran out 20 minutes ago',
    );
    expect(formatEditionLine(line({ problems: ['1 delivery failed'] }), { unicode: false })).toMatch(/\(of 1000\)  !: 1 delivery failed$/);
  });

  it('handles editions with no deliveries, full bars and padded segments', () => {
    expect(formatEditionLine(line({ status: 'skipped', counts: emptyCounts() }), { unicode: false })).toMatch(/skipped    \[\.{20}\]     -  nothing new: not sent$/);
    expect(formatEditionLine(line({ status: 'review', counts: emptyCounts(), segment: 's:opinion' }), { unicode: false, segmentWidth: 12 })).toContain(
      '2026-11-29  s:opinion     review     [....................]     -  no deliveries yet',
    );
    expect(progressBar(7, 7, false)).toBe(`[${'#'.repeat(20)}]`);
    expect(progressBar(1, 3, true, 6)).toBe('[██░░░░]');
  });
});

describe('digest commands', () => {
  let deps: TestDeps;
  let out: string[];
  let err: string[];
  const io = (): CliIo => ({ print: (l) => out.push(l), error: (l) => err.push(l), unicode: false });
  beforeEach(() => {
    deps = createTestDeps({ now: '2026-11-29T08:00:00Z' });
    out = [];
    err = [];
  });
  afterEach(() => deps.close());

  it('lists open editions first, and pauses, resumes and cancels by id', async () => {
    expect(await runDigestCli(deps, ['status'], {}, io())).toBe(0);
    expect(out).toEqual(['No editions yet.']);
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    await addSubscriber(deps);
    await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] }); // sent
    deps.clock.set('2026-11-30T08:00:00Z');
    await addArticle(deps, { title: 'الثاني', publishedAt: '2026-11-30T05:00:00Z' });
    deps.dispatcher = { dispatch: async () => {} };
    const [open] = await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] }); // sending
    out = [];
    expect(await runDigestCli(deps, ['status'], { limit: '5' }, io())).toBe(0);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(new RegExp(`^${open!.id}  daily   2026-11-30  all  sending    \\[\\.{20}\\]    0%  .* pending 1  \\(of 1\\)$`));
    expect(out[1]).toMatch(/2026-11-29  all  sent       \[#{20}\]  100%  submitted 1 /);

    out = [];
    expect(await runDigestCli(deps, ['pause', open!.id], {}, io())).toBe(0);
    expect(await runDigestCli(deps, ['pause', open!.id], {}, io())).toBe(1);
    expect(err.at(-1)).toMatch(/^nashra: Cannot pause edition .*: it is paused/);
    expect(await runDigestCli(deps, ['resume', open!.id], {}, io())).toBe(0);
    expect(await runDigestCli(deps, ['cancel', open!.id], {}, io())).toBe(0);
    expect(out.map((l) => l.split(/\s+/)[4])).toEqual(['paused', 'sending', 'cancelled']);
    expect(out[2]).toContain('skipped 1 · pending 0');
    expect(await runDigestCli(deps, ['cancel', 'no-such-edition'], {}, io())).toBe(1);
    expect(err.at(-1)).toContain('No edition with id "no-such-edition"');
    expect(await runDigestCli(deps, ['status'], { limit: '0' }, io())).toBe(2);
    expect(await runDigestCli(deps, ['pause'], {}, io())).toBeUndefined();
    expect(await runDigestCli(deps, ['frobnicate'], {}, io())).toBeUndefined();
  });
});
