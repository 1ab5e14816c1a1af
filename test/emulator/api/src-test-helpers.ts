/**
 * Helpers for the `/src` write tests: byte-exact request bodies, a poster, and readers that ask
 * git itself (on the emulator's bare repository) what the commits hold.
 */
import { randomBytes } from 'node:crypto'
import { git } from '../git/git-store.js'
import type { RunningEmulator } from '../harness.js'

/** One multipart part; `disposition` is written verbatim when given. */
export interface PartSpec {
  name?: string
  /** Adds `filename="…"` to the Content-Disposition. */
  filename?: string
  /** Appended to the Content-Disposition as written, e.g. `; x-attributes:"executable"`. */
  extra?: string
  /** Replaces the whole Content-Disposition value. */
  disposition?: string
  /** More header lines. */
  headers?: string[]
  body: Buffer | string
}

/** A multipart body with a random boundary, as raw bytes. */
export function multipart(parts: PartSpec[]): { body: Buffer; contentType: string } {
  const boundary = `----pail${randomBytes(12).toString('hex')}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    const disposition =
      part.disposition ??
      `form-data; name="${part.name ?? ''}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}${part.extra ?? ''}`
    const head = [`--${boundary}`, `Content-Disposition: ${disposition}`, ...(part.headers ?? [])].join('\r\n')
    chunks.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'), Buffer.from(part.body), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

/** An urlencoded body from ordered pairs (names and values encoded as `URLSearchParams` does). */
export function urlencoded(pairs: [string, string][]): { body: Buffer; contentType: string } {
  return { body: Buffer.from(new URLSearchParams(pairs).toString()), contentType: 'application/x-www-form-urlencoded' }
}

/** The answer to one POST, with the §4.1 message and the SHA from `Location` picked out. */
export interface PostResult {
  status: number
  location: string | null
  headers: Headers
  text: string
  /** The error message of a §4.1 envelope, when there is one. */
  message: string | null
  /** The SHA at the end of `Location`. */
  sha: string | null
}

/** POSTs a body to `/2.0/repositories/{workspace}/{slug}/src{query}`; `token` is a Bearer token or a whole `Basic …` value. */
export async function postSrc(
  emu: RunningEmulator,
  token: string,
  input: { body: Buffer | string; contentType: string },
  target: { workspace?: string; slug?: string; query?: string } = {},
): Promise<PostResult> {
  const url = `${emu.info.apiUrl}/2.0/repositories/${target.workspace ?? 'pail-demo'}/${target.slug ?? 'handbook'}/src${target.query ?? ''}`
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: token.startsWith('Basic ') ? token : `Bearer ${token}`,
      'content-type': input.contentType,
    },
    body: typeof input.body === 'string' ? input.body : new Uint8Array(input.body),
  })
  const text = await res.text()
  let message: string | null = null
  if (text.startsWith('{')) message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? null
  const location = res.headers.get('location')
  return { status: res.status, location, headers: res.headers, text, message, sha: location?.split('/').at(-1) ?? null }
}

/** A fresh repository (with README.md on main unless `empty`) and its bare git directory. */
export async function freshRepo(emu: RunningEmulator, slug: string, empty = false): Promise<string> {
  await emu.control('POST', '/repositories', { slug, empty })
  return gitDirOf(emu, slug)
}

/** The bare git directory of repository `pail-demo/{slug}`. */
export function gitDirOf(emu: RunningEmulator, slug: string): string {
  return emu.server.git(emu.server.world.repository('pail-demo', slug)!).gitDir
}

/** Runs git on a bare repository and returns stdout as text, trimmed. */
export async function g(gitDir: string, ...args: string[]): Promise<string> {
  return (await git(gitDir, args)).toString('utf8').trim()
}

/** One `ls-tree` entry. */
export interface Entry {
  mode: string
  sha: string
}

/** `git ls-tree -r` of a revision: path → mode and blob. */
export async function lsTree(gitDir: string, rev: string): Promise<Map<string, Entry>> {
  const out = (await git(gitDir, ['ls-tree', '-r', '-z', rev])).toString('utf8')
  const map = new Map<string, Entry>()
  for (const line of out.split('\0').filter(Boolean)) {
    const tab = line.indexOf('\t')
    const [mode, , sha] = line.slice(0, tab).split(' ')
    map.set(line.slice(tab + 1), { mode: mode!, sha: sha! })
  }
  return map
}

/** The bytes of `path` at `rev`, from `git cat-file`. */
export async function blobAt(gitDir: string, rev: string, path: string): Promise<Buffer> {
  return git(gitDir, ['cat-file', 'blob', `${rev}:${path}`])
}

/** `git rev-parse refs/heads/{branch}`; null when the branch does not exist. */
export async function tipOf(gitDir: string, branch: string): Promise<string | null> {
  try {
    return await g(gitDir, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`)
  } catch {
    return null
  }
}

/** Parents of a commit, from `git log`. */
export async function parentsOf(gitDir: string, sha: string): Promise<string[]> {
  return (await g(gitDir, 'log', '-1', '--format=%P', sha)).split(' ').filter(Boolean)
}
