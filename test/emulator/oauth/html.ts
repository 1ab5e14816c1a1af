/**
 * The HTML pages of the OAuth endpoints on bitbucket.org: the consent page and the error pages a
 * browser (or a misbehaving client) lands on. Everything interpolated is escaped; the pages carry
 * stable ids so that browser tests can find the consumer, the user, the permissions and buttons.
 */
import type { ServerResponse } from 'node:http'

/** Escapes text for an HTML element or a double- or single-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** Sends a page; never cached, never framed (a consent page in a frame invites clickjacking). */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
  })
  res.end(html)
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} — Bitbucket</title></head>
<body>
<main>
${body}
</main>
</body>
</html>
`
}

/**
 * An error page: shown instead of redirecting when the client cannot be trusted with the
 * redirect (unknown client, bad redirect_uri — §1.8 quotes the latter's text).
 */
export function errorPage(title: string, message: string): string {
  return page(title, `<h1 id="error-title">${escapeHtml(title)}</h1>\n<p id="error-message">${escapeHtml(message)}</p>`)
}

/** Bitbucket's page for a path with nothing behind it (what the web listener answers elsewhere). */
export function notFoundPage(): string {
  return '<!doctype html><title>Page not found</title><h1>Sorry, that page doesn’t exist.</h1>'
}

export interface ConsentView {
  consumerName: string
  userDisplayName: string
  userNickname: string
  /** Scope name and its plain-words description, in grant order. */
  permissions: { scope: string; words: string }[]
  /** The one-time id of the pending request, posted back with the decision. */
  requestId: string
  /** Where the form posts: `/site/oauth2/authorize`. */
  action: string
}

/** The consent page: a real form posting the decision and the one-time request id. */
export function consentPage(view: ConsentView): string {
  const consumer = escapeHtml(view.consumerName)
  const items = view.permissions
    .map((p) => `  <li data-scope="${escapeHtml(p.scope)}">${escapeHtml(p.words)}</li>`)
    .join('\n')
  return page(
    `Authorize ${view.consumerName}`,
    `<h1>Authorize <span id="consumer-name">${consumer}</span></h1>
<p id="signed-in-as">Signed in as <strong id="user-display-name">${escapeHtml(view.userDisplayName)}</strong> (<span id="user-nickname">${escapeHtml(view.userNickname)}</span>)</p>
<p><strong>${consumer}</strong> is requesting access to your Bitbucket account. It will be able to:</p>
<ul id="permissions">
${items}
</ul>
<form id="consent" method="post" action="${escapeHtml(view.action)}">
  <input type="hidden" name="request_id" value="${escapeHtml(view.requestId)}">
  <button type="submit" id="grant" name="decision" value="grant">Grant access</button>
  <button type="submit" id="deny" name="decision" value="deny">Deny</button>
</form>`,
  )
}
