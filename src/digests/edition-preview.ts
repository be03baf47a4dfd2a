/**
 * Editions as a reader gets them, before or besides sending: a preview for a sample reader, and
 * a test send to one address outside the outbox.
 */
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { messageIdFor, senderFields } from '../email/compose.js';
import { renderDigestContent, renderDigestFor, type DigestRecipient, type RenderedDigest } from '../email/digest.js';
import { AppError } from '../errors.js';
import type { EditionRow } from '../storage/schema.js';
import { normalizeEmail } from '../subscribers/address.js';
import { isSuppressed } from '../subscribers/suppression.js';
import { requireEdition } from './admin.js';
import { editionContent } from './render.js';

export const testSendSchema = z.object({ email: z.string().max(320) }).strict();

/** The address previews are rendered for: never a reader's, and links that lead nowhere personal. */
export const SAMPLE_EMAIL = 'reader@example.com';
/** Put before the subject of a test send, so nobody takes it for the real edition. */
export const TEST_SUBJECT_PREFIX = '[تجربة] ';

/** The edition as a reader gets it, for a sample reader. Throws `not_found`, or `conflict` when no piece is left to show. */
export async function previewEdition(deps: Pick<Deps, 'db' | 'config'>, id: string): Promise<{ html: string; text: string }> {
  const { rendered, edition } = await renderedEdition(deps, id);
  return renderDigestFor(rendered, sampleRecipient(deps.config, edition, SAMPLE_EMAIL));
}

/**
 * Sends the edition once to `rawEmail` (subject marked as a test), outside the outbox: no
 * delivery is recorded. Throws `invalid_request` for a bad address, `not_found`, `conflict`
 * when nothing is left to show or the address is suppressed, `unavailable` when the mail
 * server does not take the message.
 */
export async function sendTestEdition(deps: Deps, id: string, rawEmail: string) {
  const email = normalizeEmail(rawEmail);
  const { rendered, edition } = await renderedEdition(deps, id);
  if (await isSuppressed(deps, email)) throw new AppError('conflict', 'That address is on the suppression list: nothing is mailed to it');
  const body = renderDigestFor(rendered, sampleRecipient(deps.config, edition, email));
  try {
    const result = await deps.mailer.send({
      ...senderFields(deps.config),
      to: email,
      subject: `${TEST_SUBJECT_PREFIX}${rendered.subject}`,
      ...body,
      messageId: messageIdFor(deps.config, `test-${deps.ids.next()}`),
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    deps.log.info('test edition sent', { editionId: id });
    return { messageId: result.messageId, response: result.response };
  } catch (err) {
    const reason = String(err instanceof Error ? err.message : err).slice(0, 300);
    throw new AppError('unavailable', `The mail server did not take the test message: ${reason}`);
  }
}

async function renderedEdition(deps: Pick<Deps, 'db' | 'config'>, id: string): Promise<{ edition: EditionRow; rendered: RenderedDigest }> {
  const edition = await requireEdition(deps, id);
  const content = await editionContent(deps, edition);
  if (!content) throw new AppError('conflict', `Edition ${id} has no published piece to show`);
  return { edition, rendered: renderDigestContent(content) };
}

/** No name, and links to the public sign-up page instead of signed personal ones. */
function sampleRecipient(config: Deps['config'], edition: EditionRow, email: string): DigestRecipient {
  const page = `${config.PUBLIC_URL}/subscribe`;
  return { email, name: null, frequency: edition.cadence, preferencesUrl: page, unsubscribeUrl: page };
}
