/**
 * Helpers for the read-route tests: GET against the emulator's API listener with a Bearer
 * token or API-token Basic credentials, and a walk over paginated results by `next` only.
 */
import assert from 'node:assert/strict'
import type { RunningEmulator } from '../harness.js'

/** A read response with its body already taken. */
export interface ReadResponse {
  status: number
  headers: Headers
  text: string
  body: Buffer
  /** The body parsed as JSON (throws on non-JSON). */
  json<T = Record<string, unknown>>(): T
}

/** How a test authenticates: a Bearer token, API-token Basic credentials, or nothing. */
export type Auth = string | { email: string; token: string } | null

function authorization(auth: Auth): Record<string, string> {
  if (auth === null) return {}
  if (typeof auth === 'string') return { authorization: `Bearer ${auth}` }
  return { authorization: `Basic ${Buffer.from(`${auth.email}:${auth.token}`).toString('base64')}` }
}

/** GET `pathOrUrl` (`/2.0/…` on the API listener, or an absolute URL such as a `next` link). */
export async function apiGet(
  emu: RunningEmulator,
  pathOrUrl: string,
  auth: Auth,
  init: { method?: string; redirect?: RequestRedirect } = {},
): Promise<ReadResponse> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${emu.info.apiUrl}${pathOrUrl}`
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: authorization(auth),
    redirect: init.redirect ?? 'manual',
  })
  const body = Buffer.from(await res.arrayBuffer())
  const text = body.toString('utf8')
  return { status: res.status, headers: res.headers, text, body, json: <T>() => JSON.parse(text) as T }
}

/** GET that must answer `status`; returns the parsed body. */
export async function getJson<T = Record<string, unknown>>(
  emu: RunningEmulator,
  path: string,
  auth: Auth,
  status = 200,
): Promise<T> {
  const res = await apiGet(emu, path, auth)
  assert.equal(res.status, status, `GET ${path}: ${res.status} ${res.text}`)
  return res.json<T>()
}

/** Every value of a paginated collection, following `next` and nothing else (§4.2). */
export async function collectPages<T = Record<string, unknown>>(
  emu: RunningEmulator,
  path: string,
  auth: Auth,
): Promise<{ values: T[]; pages: number; nextLinks: string[] }> {
  const values: T[] = []
  const nextLinks: string[] = []
  let url: string | undefined = path
  let pages = 0
  while (url) {
    const page: { values: T[]; next?: string } = await getJson(emu, url, auth)
    values.push(...page.values)
    pages++
    if (page.next) nextLinks.push(page.next)
    url = page.next
    assert.ok(pages < 1000, 'pagination does not end')
  }
  return { values, pages, nextLinks }
}

/** The §4.1 envelope's message, asserting the envelope's shape on the way. */
export function errorMessage(res: ReadResponse): string {
  const body = res.json<{ type: string; error: { message: string } }>()
  assert.equal(body.type, 'error')
  assert.equal(typeof body.error.message, 'string')
  return body.error.message
}

/** Commits files to a branch as another user through the control endpoint; returns the new SHA. */
export async function commitFiles(
  emu: RunningEmulator,
  files: Record<string, string>,
  options: { branch?: string; repository?: string; message?: string } = {},
): Promise<string> {
  const result = await emu.control<{ hash: string }>('POST', '/commit', { files, ...options })
  return result.hash
}

/** A file for `commitTree`: bytes or text, and a git mode (100644 unless given). */
export interface TreeFile {
  path: string
  content: Buffer | string
  /** '100644', '100755' (executable) or '120000' (symbolic link). */
  mode?: string
}

/**
 * Commits files with exact modes straight into the bare repository (the control endpoint
 * writes plain files only), moving or creating `branch`; returns the new SHA.
 */
export async function commitTree(
  emu: RunningEmulator,
  files: readonly TreeFile[],
  options: { branch?: string; repository?: string } = {},
): Promise<string> {
  const repo = emu.server.world.repository(emu.info.workspace, options.repository ?? emu.info.repository.slug)
  assert.ok(repo, 'the repository exists')
  const git = emu.server.git(repo)
  const branch = options.branch ?? 'main'
  const parent = await git.branchTip(branch)
  const changes = []
  for (const file of files)
    changes.push({ path: file.path, blob: await git.writeBlob(file.content), mode: file.mode ?? '100644' })
  const sha = await git.createCommit({
    parent,
    changes,
    deletions: [],
    message: `Add ${files.length} file(s)`,
    authorName: 'Robin Remote',
    authorEmail: 'robin@example.com',
  })
  assert.ok(await git.moveBranch(branch, sha, parent), `branch ${branch} moved`)
  return sha
}
