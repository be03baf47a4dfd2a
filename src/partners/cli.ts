/**
 * `nashra partner …`: create partners, list them, rotate and revoke their keys from the
 * command line, with the same rules as the admin API. Arguments are checked before the
 * database is opened.
 */
import { parseArgs } from 'node:util';
import type { Deps } from '../deps.js';
import { isAppError } from '../errors.js';
import { parseOrThrow } from '../validation.js';
import { partnerFeedUrl } from './feed.js';
import { partnerCreateSchema } from './schemas.js';
import { createPartner, listPartners, revokePartnerKey, rotatePartnerKey } from './service.js';

export const PARTNER_USAGE = `  partner create <name> [--slug <slug>] [--sections a,b] [--summary-only] [--embargo <minutes>]
                 [--no-images] [--attribution <text>] [--origins https://a.example,…] [--rate-limit <per minute>]
                               add a partner and print its key (shown once)
  partner list                 partners, their terms and keys (hints only)
  partner rotate <partner> [--overlap-hours <hours>]
                               issue a new key; the old ones keep working that long (default 24)
  partner revoke <partner> <key id>
                               end one key now`;

/** What the command needs: deps, and a way to release them. `createNodeRuntime` is one. */
export type PartnerCliRuntime = { deps: Deps; close(): Promise<void> };

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      slug: { type: 'string' },
      sections: { type: 'string' },
      'summary-only': { type: 'boolean' },
      embargo: { type: 'string' },
      'no-images': { type: 'boolean' },
      attribution: { type: 'string' },
      origins: { type: 'string' },
      'rate-limit': { type: 'string' },
      'overlap-hours': { type: 'string' },
    },
  });
}

type Parsed = ReturnType<typeof parse>;
type Command = (deps: Deps) => Promise<void>;

const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));

/** `partner create <name> …`, checked with the admin API's schema. */
function createCommand(name: string, values: Parsed['values']): Command {
  const input = parseOrThrow(partnerCreateSchema, {
    name,
    slug: values.slug,
    sections: list(values.sections),
    content: values['summary-only'] ? 'summary' : undefined,
    embargoMinutes: number(values.embargo),
    includeImages: values['no-images'] ? false : undefined,
    attributionText: values.attribution,
    origins: list(values.origins),
    rateLimitPerMinute: number(values['rate-limit']),
  });
  return async (deps) => {
    const { partner, key } = await createPartner(deps, input);
    console.log(`partner created: ${partner.name} (slug ${partner.slug}, id ${partner.id})`);
    console.log(`key ${key.id} (shown once; store it now):\n${key.value}`);
    console.log(`feeds: ${partnerFeedUrl(deps.config, 'rss')} (Authorization: Bearer <key>); guide: ${deps.config.PUBLIC_URL}/partners/docs`);
  };
}

/** The command to run for `args`; throws (AppError or Error) with a message for the user when they are wrong. */
function commandFor({ positionals, values }: Parsed): Command | undefined {
  const [action, ...rest] = positionals;
  if (action === 'create' && rest.length === 1) return createCommand(rest[0] as string, values);
  if (action === 'list' && rest.length === 0) {
    return async (deps) => {
      for (const p of await listPartners(deps)) {
        const terms = [p.content === 'summary' ? 'summary only' : 'full text', p.sections.length ? `sections ${p.sections.join(',')}` : 'all sections', `embargo ${p.embargoMinutes} min`, p.includeImages ? 'images' : 'no images', `${p.rateLimitPerMinute}/min`];
        console.log(`${p.slug}\t${p.id}\t${p.name}\t${terms.join('; ')}`);
        for (const k of p.keys) console.log(`  key ${k.id}\t${k.hint}\t${k.status}${k.expiresAt ? ` until ${k.expiresAt}` : ''}\tlast used ${k.lastUsedAt ?? 'never'}`);
      }
    };
  }
  if (action === 'rotate' && rest.length === 1) {
    const hours = number(values['overlap-hours']);
    if (hours !== undefined && !(hours >= 0)) throw new Error('--overlap-hours must be a number of hours, 0 or more');
    return async (deps) => {
      const until = hours === undefined ? undefined : new Date(deps.clock.now().getTime() + hours * 3_600_000);
      const key = await rotatePartnerKey(deps, rest[0] as string, until);
      console.log(`key ${key.id} (shown once; store it now):\n${key.value}`);
    };
  }
  if (action === 'revoke' && rest.length === 2) {
    return async (deps) => {
      await revokePartnerKey(deps, rest[0] as string, rest[1] as string);
      console.log(`key ${rest[1]} revoked`);
    };
  }
  return undefined;
}

/**
 * Runs `nashra partner <args…>`. Returns the exit code: 0 done, 1 refused (unknown partner,
 * taken slug…), 2 wrong arguments. Opens the runtime only for a well-formed command.
 */
export async function runPartnerCli(args: string[], open: () => PartnerCliRuntime): Promise<number> {
  let command: Command | undefined;
  try {
    command = commandFor(parse(args));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\nUsage:\n${PARTNER_USAGE}`);
    return 2;
  }
  if (!command) {
    console.error(`Usage:\n${PARTNER_USAGE}`);
    return 2;
  }
  const runtime = open();
  try {
    await command(runtime.deps);
    return 0;
  } catch (err) {
    if (!isAppError(err)) throw err;
    console.error(err.message);
    return 1;
  } finally {
    await runtime.close();
  }
}
