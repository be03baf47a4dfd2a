/**
 * `nashra subscribers import` and `export` as people run them: the real command as a child
 * process on a SQLite file, progress and summary read from stderr, CSV from stdout.
 */
import Database from 'better-sqlite3';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey } from '../../src/subscribers/address-key.js';
import { createCsvParser } from '../../src/subscribers/csv.js';
import { nashraEnv } from './support/env.js';
import { runNode, spawnNode } from './support/process.js';

const SECRET_KEY = 'e2e-secret-key-0123456789-0123456789-abcdef';
const ROWS = 12_000; // more than one progress interval (10,000 rows)

let dir: string;
let env: NodeJS.ProcessEnv;
const dbPath = () => join(dir, 'nashra.db');
const nashra = (...args: string[]) => runNode(['bin/nashra.mjs', ...args], env);

function query<T>(sqlText: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath(), { readonly: true });
  try {
    return db.prepare(sqlText).all(...params) as T[];
  } finally {
    db.close();
  }
}

function parseCsv(text: string): string[][] {
  const parser = createCsvParser({ delimiter: ',' });
  return [...parser.push(text), ...parser.end()].map((r) => r.fields);
}

/** The file: many good rows, and known bad ones at known lines. */
function importFile(): { path: string; lines: Record<string, number> } {
  const rows = ['email,name,frequency,consent_at'];
  const lines: Record<string, number> = {};
  const add = (label: string, row: string) => {
    rows.push(row);
    lines[label] = rows.length;
  };
  for (let i = 0; i < ROWS; i++) {
    if (i === 100) add('invalid', 'not-an-address,اسم,daily,');
    if (i === 200) add('duplicate', 'READER5@example.ma,مكرر,daily,');
    if (i === 300) add('suppressed', 'bounced@example.ma,,weekly,');
    rows.push(`reader${i}@example.ma,"قارئ ${i}, الرباط",${i % 2 ? 'daily' : 'weekly'},2025-06-01`);
  }
  const path = join(dir, 'readers.csv');
  writeFileSync(path, `\uFEFF${rows.join('\r\n')}\r\n`);
  return { path, lines };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nashra-e2e-cli-'));
  env = nashraEnv({ DATABASE_PATH: dbPath(), SECRET_KEY, ADMIN_TOKEN: 'e2e-admin-token-0123456789abcdef', SEED: 'false', LOG_LEVEL: 'warn' });
  const migrated = await nashra('migrate');
  expect(migrated.code, migrated.stderr).toBe(0);
  const db = new Database(dbPath());
  const key = await addressKey(SECRET_KEY, 'bounced@example.ma');
  db.prepare("INSERT INTO suppressions (address_key, reason, source, created_at) VALUES (?, 'hard_bounce', 'smtp', 0)").run(key);
  db.close();
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('nashra subscribers import', () => {
  it('checks the file in a dry run and writes nothing', async () => {
    const { path, lines } = importFile();
    const dry = await nashra('subscribers', 'import', path, '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('Dry run');
    expect(dry.stderr).toMatch(new RegExp(`to import:\\s+${ROWS} `));
    expect(dry.stderr).toContain(`line ${lines.invalid}: invalid:`);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM subscribers')[0]?.n).toBe(0);
  });

  it('imports with progress on stderr and a summary that names the skipped lines', async () => {
    const { path, lines } = importFile();
    const res = await nashra('subscribers', 'import', path, '--consent-note', 'استمارة ورقية');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe('');
    const progress = [...res.stderr.matchAll(/^importing: (\d+) rows read, (\d+) imported, (\d+) skipped/gm)].map((m) => Number(m[1]));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(Math.max(...progress)).toBeLessThanOrEqual(ROWS + 3);
    expect(res.stderr).toMatch(new RegExp(`rows read:\\s+${ROWS + 3}\\n`));
    expect(res.stderr).toMatch(new RegExp(`imported:\\s+${ROWS} as confirmed`));
    expect(res.stderr).toMatch(/invalid:\s+1\n/);
    expect(res.stderr).toMatch(/duplicate:\s+1 /);
    expect(res.stderr).toMatch(/suppressed:\s+1 /);
    expect(res.stderr).toContain(`line ${lines.invalid}: invalid: "not-an-address" is not a valid email address`);
    expect(res.stderr).toContain(`line ${lines.duplicate}: duplicate: same address as line 7`);
    expect(res.stderr).toContain(`line ${lines.suppressed}: suppressed:`);

    const [row] = query<Record<string, unknown>>('SELECT * FROM subscribers WHERE email = ?', 'reader7@example.ma');
    expect(row).toMatchObject({ name: 'قارئ 7, الرباط', status: 'confirmed', frequency: 'daily', consent_source: 'import', consent_user_agent: 'import: استمارة ورقية', consent_at: Date.parse('2025-06-01T00:00:00Z') });
    expect(query('SELECT 1 FROM subscribers WHERE email = ?', 'bounced@example.ma')).toEqual([]);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM subscribers')[0]?.n).toBe(ROWS);
  });

  it('imports nothing twice: a second run finds every address existing', async () => {
    const { path } = importFile();
    const res = await nashra('subscribers', 'import', path);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/imported:\s+0 as confirmed/);
    expect(res.stderr).toMatch(new RegExp(`existing:\\s+${ROWS} `));
    expect(query<{ n: number }>('SELECT count(*) AS n FROM subscribers')[0]?.n).toBe(ROWS);
  });

  it('exits 1 with a message for a missing file, a file without an email column and a broken file', async () => {
    const missing = await nashra('subscribers', 'import', join(dir, 'nope.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
    const noEmail = join(dir, 'no-email.csv');
    writeFileSync(noEmail, 'name\nليلى\n');
    const res = await nashra('subscribers', 'import', noEmail);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('"email"');
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, 'email\nfirst@example.org\n"second@example.org\n');
    const stopped = await nashra('subscribers', 'import', broken);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('line 3: a quoted field is not closed');
    expect(stopped.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('nashra subscribers export', () => {
  it('writes every matching subscriber as CSV to stdout', async () => {
    const res = await nashra('subscribers', 'export', '--frequency', 'weekly', '--q', 'example.ma');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.startsWith('\uFEFFid,email,name,')).toBe(true);
    const [header, ...rows] = parseCsv(res.stdout.slice(1));
    const col = (name: string) => (header as string[]).indexOf(name);
    const expected = query<{ id: string }>("SELECT id FROM subscribers WHERE frequency = 'weekly' ORDER BY id DESC").map((r) => r.id);
    expect(expected.length).toBe(ROWS / 2);
    expect(rows.map((r) => r[col('id')])).toEqual(expected);
    expect(rows.find((r) => r[col('email')] === 'reader8@example.ma')?.[col('name')]).toBe('قارئ 8, الرباط');
    expect(new Set(rows.map((r) => r[col('consent_source')]))).toEqual(new Set(['import']));
  });

  it('refuses a bad filter with exit code 2', async () => {
    const res = await nashra('subscribers', 'export', '--status', 'everyone');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('status');
    expect(res.stdout).toBe('');
  });

  it('stops quietly when the reader of its output goes away', async () => {
    const child = spawnNode(['bin/nashra.mjs', 'subscribers', 'export'], env);
    const stdout = child.process.stdout!;
    await once(stdout, 'data');
    stdout.destroy();
    await once(child.process, 'close');
    expect(child.exitCode()).toBe(0);
    expect(child.stderr()).not.toMatch(/EPIPE|Error/);
  });
});
