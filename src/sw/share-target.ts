import { SHARE_ACTION, SHARE_FIELD, SHARE_PARAM, putShared } from '@/jobs/share-inbox.ts';

/** The POST an operating system's share sheet sends to the installed app. */
export function isShareTarget(request: Request, origin: string): boolean {
  const url = new URL(request.url);
  return request.method === 'POST' && url.origin === origin && url.pathname === SHARE_ACTION;
}

/**
 * Keeps the shared files and sends the browser on to the app (303, so the reload is a GET),
 * which asks the person whether to add them. Any site can send this POST (a form is enough),
 * so nothing is queued here. Whatever is not a file (a shared title or link) is ignored.
 */
export async function receiveShare(request: Request, origin: string): Promise<Response> {
  const form = await request.formData().catch(() => null);
  const files = (form?.getAll(SHARE_FIELD) ?? []).filter(
    (value): value is File => value instanceof File && value.size > 0,
  );
  const batch = await putShared(files);
  return Response.redirect(new URL(`/?${SHARE_PARAM}=${batch}`, origin).href, 303);
}
