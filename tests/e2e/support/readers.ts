/** What a reader does over HTTP: sign up, and find the confirmation link in the email. */

/** POST /subscribe with a JSON body, as the sign-up API is called from a publisher's site. */
export function subscribe(baseUrl: string, email: string, frequency: 'daily' | 'weekly' = 'daily'): Promise<Response> {
  return fetch(`${baseUrl}/subscribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, frequency }),
  });
}

/** The `/confirm?token=…` link on `baseUrl` in a message's text, or undefined. */
export function confirmLinkIn(text: string | undefined, baseUrl: string): string | undefined {
  const escaped = baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}/confirm\\?token=[\\w.-]+`).exec(text ?? '')?.[0];
}

/**
 * Follows a confirmation link as a reader does: the link (a GET) shows a button, and pressing
 * it POSTs to the form's action. Returns the answer to the POST.
 */
export async function confirmThroughLink(link: string): Promise<Response> {
  const page = await fetch(link);
  if (page.status !== 200) return page;
  const action = /<form method="post" action="([^"]+)"/.exec(await page.text())?.[1]?.replace(/&amp;/g, '&');
  if (!action) throw new Error(`no confirm button behind ${link}`);
  return fetch(new URL(action, link), { method: 'POST' });
}
