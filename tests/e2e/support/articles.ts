/** Articles through the admin API, the way an editor's tool would send them. */

/** A published commentary piece with an image; override any field. */
export function commentaryArticle(overrides: Record<string, unknown> = {}) {
  return {
    title: 'الإصلاح التدريجي وحدود الاستقرار',
    summary: 'قراءة في تجربة الإصلاح المحلي وما تعلّمناه منها.',
    contentHtml: '<p>نص المقال الكامل عن الإصلاح.</p><script>alert(1)</script>',
    section: { name: 'رأي', slug: 'opinion', commentary: true },
    author: { name: 'سعيد الإدريسي', slug: 'said-idrissi' },
    tags: ['إصلاح'],
    image: { url: 'https://images.example/2026/reform.jpg', type: 'image/jpeg', length: 48213, alt: 'مجلس بلدي' },
    status: 'published',
    ...overrides,
  };
}

/** POSTs to /api/admin/articles; throws unless the answer is 201. Returns the created article. */
export async function postArticle(baseUrl: string, adminToken: string, body: Record<string, unknown>): Promise<{ id: string; title: string; publishedAt: string }> {
  const res = await fetch(`${baseUrl}/api/admin/articles`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST /api/admin/articles answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string; title: string; publishedAt: string };
}
