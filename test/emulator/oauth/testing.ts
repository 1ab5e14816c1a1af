/**
 * Helpers for the OAuth tests: drive the consent page as a browser would (parse its form, post
 * it), exchange codes, and call the token endpoint. They never print a secret: failures report
 * statuses and error bodies only, which carry none.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { RunningEmulator } from '../harness.js'

/** What a browser needs from the consent page to submit it. */
export interface ConsentForm {
  method: string
  action: string
  hidden: Record<string, string>
  buttons: Record<string, { name: string; value: string }>
}

function unescape(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!,
  )
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of tag.matchAll(/([\w-]+)="([^"]*)"/g)) out[m[1]!] = unescape(m[2]!)
  return out
}

/** Reads the consent form the way a browser does: its method, action, hidden inputs and buttons by id. */
export function parseConsentForm(html: string): ConsentForm {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/.exec(html)
  if (!form) throw new Error('The consent page has no form')
  const formAttrs = attributes(form[1]!)
  const hidden: Record<string, string> = {}
  for (const m of form[2]!.matchAll(/<input\b([^>]*)>/g)) {
    const a = attributes(m[1]!)
    if (a.type === 'hidden' && a.name) hidden[a.name] = a.value ?? ''
  }
  const buttons: ConsentForm['buttons'] = {}
  for (const m of form[2]!.matchAll(/<button\b([^>]*)>/g)) {
    const a = attributes(m[1]!)
    if (a.id && a.name) buttons[a.id] = { name: a.name, value: a.value ?? '' }
  }
  return { method: (formAttrs.method ?? 'get').toUpperCase(), action: formAttrs.action ?? '', hidden, buttons }
}

/** The authorize URL of the emulator with `params` in its query. */
export function authorizeUrl(emu: RunningEmulator, params: Record<string, string>): string {
  const url = new URL('/site/oauth2/authorize', emu.info.webUrl)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return url.toString()
}

/** GET of the authorize URL, never following redirects. */
export async function openAuthorize(
  emu: RunningEmulator,
  params: Record<string, string>,
): Promise<{ status: number; html: string; location: string | null; contentType: string }> {
  const res = await fetch(authorizeUrl(emu, params), { redirect: 'manual' })
  return {
    status: res.status,
    html: await res.text(),
    location: res.headers.get('location'),
    contentType: res.headers.get('content-type') ?? '',
  }
}

/** Submits a consent form by clicking the button with id `buttonId`; answers the raw response. */
export async function submitConsent(
  emu: RunningEmulator,
  form: ConsentForm,
  buttonId: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const button = form.buttons[buttonId]
  if (!button) throw new Error(`The consent form has no button #${buttonId}`)
  const body = new URLSearchParams({ ...form.hidden, [button.name]: button.value })
  return fetch(new URL(form.action, emu.info.webUrl), {
    method: form.method,
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: body.toString(),
  })
}

/** Runs the browser part of the flow (consent page, Grant) and answers the callback URL it lands on. */
export async function authorizeAndGrant(emu: RunningEmulator, params: Record<string, string>): Promise<URL> {
  const page = await openAuthorize(emu, { client_id: emu.info.publicConsumer.key, response_type: 'code', ...params })
  if (page.status !== 200) throw new Error(`The consent page answered ${page.status}`)
  const res = await submitConsent(emu, parseConsentForm(page.html), 'grant')
  const location = res.headers.get('location')
  if (res.status !== 302 || location === null) throw new Error(`Grant answered ${res.status}`)
  return new URL(location)
}

/** A code for the public consumer: the callback's `code` parameter. */
export async function codeFor(emu: RunningEmulator, params: Record<string, string> = {}): Promise<string> {
  const code = (await authorizeAndGrant(emu, params)).searchParams.get('code')
  if (!code) throw new Error('The callback carried no code')
  return code
}

/** The value of an HTTP Basic header for `key:secret`. */
export function basic(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`
}

export interface TokenAnswer {
  status: number
  headers: Headers
  /** The parsed JSON body, or null when it was not JSON. */
  json: Record<string, unknown> | null
  text: string
}

/** POSTs form fields to the token endpoint (Basic client auth by default, as documented in §1.3). */
export async function tokenRequest(
  emu: RunningEmulator,
  fields: Record<string, string>,
  options: { auth?: string | null; path?: string; body?: string; contentType?: string } = {},
): Promise<TokenAnswer> {
  const { key, secret } = emu.info.publicConsumer
  const auth = options.auth === undefined ? basic(key, secret) : options.auth
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded' }
  if (auth !== null) headers.authorization = auth
  const res = await fetch(new URL(options.path ?? '/site/oauth2/access_token', emu.info.webUrl), {
    method: 'POST',
    redirect: 'manual',
    headers,
    body: options.body ?? new URLSearchParams(fields).toString(),
  })
  const text = await res.text()
  let json: Record<string, unknown> | null
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    json = null
  }
  return { status: res.status, headers: res.headers, json, text }
}

/** A successful token answer's body; throws with the status and error (never a secret) otherwise. */
export async function tokens(
  emu: RunningEmulator,
  fields: Record<string, string>,
  auth?: string | null,
): Promise<Record<string, string | number>> {
  const answer = await tokenRequest(emu, fields, auth === undefined ? {} : { auth })
  if (answer.status !== 200 || !answer.json)
    throw new Error(
      `Token request answered ${answer.status}: ${String(answer.json?.error)} ${String(answer.json?.error_description)}`,
    )
  return answer.json as Record<string, string | number>
}

/** The full authorization-code flow for the public consumer; answers the token body. */
export async function signIn(
  emu: RunningEmulator,
  params: Record<string, string> = {},
): Promise<Record<string, string | number>> {
  return tokens(emu, { grant_type: 'authorization_code', code: await codeFor(emu, params) })
}

/** A PKCE verifier and its S256 challenge (RFC 7636 §4.1–4.2). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** Sleeps `ms` milliseconds (for lifetimes shortened through the settings). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
