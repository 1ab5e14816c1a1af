/**
 * How `pail serve` answers: JSON for the window's requests, a short plain page for a person who
 * opened an address in the browser, plain text for programs. Nothing here carries a stack or a
 * secret.
 */
import type { ServerResponse } from 'node:http'
import { fail, type Result, type UserError } from '../../../shared/result.js'
import { setNoStore } from './security-headers.js'

/** Sends `body` as JSON, never cached. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.statusCode = status
  setNoStore(response)
  response.setHeader('Content-Type', 'application/json; charset=utf-8')
  response.setHeader('Content-Length', Buffer.byteLength(text))
  response.end(text)
}

/** Sends a failed Result with `status`. */
export function sendError(response: ServerResponse, status: number, error: UserError): void {
  const body: Result<never> = fail(error)
  sendJson(response, status, body)
}

/** Sends one line of plain text (a refusal a program reads). */
export function sendText(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status
  setNoStore(response)
  response.setHeader('Content-Type', 'text/plain; charset=utf-8')
  response.setHeader('Content-Length', Buffer.byteLength(text) + 1)
  response.end(`${text}\n`)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Sends a short page for people: a heading and a sentence, no script, no style. */
export function sendPage(response: ServerResponse, status: number, heading: string, text: string): void {
  const html = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Pail: ${escapeHtml(heading)}</title></head>
  <body>
    <main><h1>${escapeHtml(heading)}</h1><p>${escapeHtml(text)}</p></main>
  </body>
</html>
`
  response.statusCode = status
  setNoStore(response)
  response.setHeader('Content-Type', 'text/html; charset=utf-8')
  response.setHeader('Content-Length', Buffer.byteLength(html))
  response.end(html)
}
