/** Reading the subscription pages as a parser sees them, and building requests as a browser sends them. */
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Document, Element } from 'domhandler';

export type Page = { doc: Document; text: string };

export function parsePage(html: string): Page {
  const doc = parseDocument(html);
  return { doc, text: DomUtils.textContent(doc).replace(/\s+/g, ' ') };
}

export const elements = (page: Page, test: (el: Element) => boolean): Element[] => DomUtils.findAll(test, page.doc.children);
export const byId = (page: Page, id: string): Element | undefined => elements(page, (el) => el.attribs.id === id)[0];
export const named = (page: Page, name: string): Element[] => elements(page, (el) => el.attribs.name === name);

/** Values of the ticked checkboxes or radios called `name`. */
export const checkedValues = (page: Page, name: string) => named(page, name).filter((el) => 'checked' in el.attribs).map((el) => el.attribs.value);
/** Values offered by the checkboxes or radios called `name`. */
export const offeredValues = (page: Page, name: string) => named(page, name).map((el) => el.attribs.value);

/** The selected option of the `<select>` with this id. */
export function selectedOption(page: Page, id: string): string | undefined {
  const select = byId(page, id);
  if (!select) return undefined;
  const options = DomUtils.findAll((el) => el.name === 'option', select.children);
  return options.find((o) => 'selected' in o.attribs)?.attribs.value ?? options[0]?.attribs.value;
}

/** Controls a person fills in that have no label: none should be listed. */
export function unlabelledControls(page: Page): string[] {
  const labelled = new Set(elements(page, (el) => el.name === 'label' && !!el.attribs.for).map((el) => el.attribs.for));
  const insideLabel = (el: Element) => {
    for (let p = el.parent; p; p = p.parent) if ((p as Element).name === 'label') return true;
    return false;
  };
  return elements(page, (el) => (el.name === 'input' || el.name === 'select') && el.attribs.type !== 'hidden')
    .filter((el) => !labelled.has(el.attribs.id) && !insideLabel(el))
    .map((el) => el.attribs.name ?? '?');
}

/**
 * Every error message on the page and the field it is tied to: the control or fieldset whose
 * aria-describedby names it (with what else it names, such as a hint), and whether a control
 * says it is invalid.
 */
export function invalidControls(page: Page): { name: string; described: string[] }[] {
  const errorIds = new Set(elements(page, (el) => /\berror\b/.test(el.attribs.class ?? '') && !!el.attribs.id).map((el) => el.attribs.id));
  return elements(page, (el) => (el.attribs['aria-describedby'] ?? '').split(/\s+/).some((id) => errorIds.has(id))).map((el) => {
    const isGroup = el.name === 'fieldset';
    if (!isGroup && el.attribs['aria-invalid'] !== 'true') throw new Error(`${el.attribs.name}: an error but no aria-invalid`);
    return {
      name: isGroup ? (DomUtils.findOne((c) => !!c.attribs.name, el.children)?.attribs.name as string) : (el.attribs.name as string),
      described: (el.attribs['aria-describedby'] ?? '').split(/\s+/).filter(Boolean).map((id) => {
        const target = byId(page, id);
        return target ? DomUtils.textContent(target).trim() : `(missing #${id})`;
      }),
    };
  });
}

/** A url-encoded form POST; array values repeat the field, as checkboxes do. */
export function formPost(fields: Record<string, string | string[]>, headers: Record<string, string> = {}): RequestInit {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: body.toString() };
}

/** The path and query of the first `path?token=…` link in `text` (an email body or a page). */
export function linkIn(text: string, path: string): string {
  const found = new RegExp(`${path}\\?(?:[\\w=&.;-]*?)token=[\\w.-]+(?:&(?:amp;)?lang=\\w+)?`).exec(text)?.[0];
  if (!found) throw new Error(`no ${path} link in:\n${text.slice(0, 2000)}`);
  return found.replace(/&amp;/g, '&');
}

/** The action of the form on the page whose action starts with `path`. */
export function formAction(page: Page, path: string): string {
  const form = elements(page, (el) => el.name === 'form' && (el.attribs.action ?? '').startsWith(path))[0];
  if (!form) throw new Error(`no form posting to ${path}`);
  return form.attribs.action as string;
}

/** Every link's href on the page, in order. */
export const hrefs = (page: Page): string[] => elements(page, (el) => el.name === 'a' && !!el.attribs.href).map((el) => el.attribs.href as string);

type TestApp = { request(path: string, init?: RequestInit): Response | Promise<Response> };

/**
 * Signs `email` up through the page, waits for the confirmation, opens its link and presses the
 * button. Returns the confirmed page.
 */
export async function signUpAndConfirm(
  app: TestApp,
  deps: { deferred: Promise<unknown>[]; mailer: { sent: { to: string; text: string }[] } },
  email: string,
  fields: Record<string, string | string[]> = {},
  path = '/subscribe',
): Promise<Page> {
  const res = await app.request(path, formPost({ email, frequency: 'daily', ...fields }));
  if (res.status !== 200) throw new Error(`sign-up answered ${res.status}`);
  await Promise.all(deps.deferred);
  const mail = deps.mailer.sent.filter((m) => m.to.toLowerCase() === email.toLowerCase()).at(-1);
  if (!mail) throw new Error(`no confirmation for ${email}`);
  const button = parsePage(await (await app.request(linkIn(mail.text, '/confirm'))).text());
  const confirmed = await app.request(formAction(button, '/confirm'), { method: 'POST' });
  if (confirmed.status !== 200) throw new Error(`confirming answered ${confirmed.status}`);
  return parsePage(await confirmed.text());
}

/**
 * Keeps work handed to `deps.defer` from starting until `run()` is called, so a test can tell
 * what a request did itself from what it left for after the response.
 */
export function holdBackgroundWork(deps: { defer(task: () => Promise<unknown>): void }): { held(): number; run(): Promise<void> } {
  const tasks: (() => Promise<unknown>)[] = [];
  deps.defer = (task) => void tasks.push(task);
  return {
    held: () => tasks.length,
    async run() {
      while (tasks.length > 0) await tasks.shift()!();
    },
  };
}
