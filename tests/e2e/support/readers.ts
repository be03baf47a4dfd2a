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
