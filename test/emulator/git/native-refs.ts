/**
 * Protocol v2's capability advertisement and `ls-refs`, answered without starting git: the same
 * bytes `git http-backend` sends (git-http.test.ts compares them), read from the repository's ref
 * files. Every other git request still goes to `git http-backend`.
 *
 * This is not a Bitbucket behaviour but a cost switch (`EmulatorServer.nativeRefAdvertisement`):
 * the office simulation (test/sim/) polls tens of thousands of times, and two git processes per
 * poll would make it take far longer than its hour's worth of work deserves.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import type { RequestContext } from '../router.js'

/** What `git upload-pack --advertise-refs` says under protocol v2 (git 2.39's capabilities). */
function pkt(text: string): string {
  return `${(Buffer.byteLength(text) + 5).toString(16).padStart(4, '0')}${text}\n`
}

let advertisement: Buffer | null = null

/** The v2 capability advertisement, with git's own agent string (`git version` → `git/2.39.5`). */
function capabilities(gitVersion: string): Buffer {
  advertisement ??= Buffer.from(
    [
      pkt('version 2'),
      pkt(`agent=git/${gitVersion}`),
      pkt('ls-refs=unborn'),
      pkt('fetch=shallow wait-for-done'),
      pkt('server-option'),
      pkt('object-format=sha1'),
      pkt('object-info'),
      '0000',
    ].join(''),
  )
  return advertisement
}

/** Every ref under `refs/` by name: packed-refs first, loose ref files over them (as git reads them). */
async function readRefs(gitDir: string): Promise<Map<string, string>> {
  const refs = new Map<string, string>()
  try {
    for (const line of (await readFile(join(gitDir, 'packed-refs'), 'utf8')).split('\n')) {
      if (/^[0-9a-f]{40} refs\//.test(line)) refs.set(line.slice(41), line.slice(0, 40))
    }
  } catch {
    // no packed refs
  }
  const walk = async (dir: string, name: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path, `${name}${entry.name}/`)
      else if (!entry.name.endsWith('.lock')) {
        const sha = (await readFile(path, 'utf8').catch(() => '')).trim()
        if (/^[0-9a-f]{40}$/.test(sha)) refs.set(`${name}${entry.name}`, sha)
      }
    }
  }
  await walk(join(gitDir, 'refs'), 'refs/')
  return refs
}

/** The `ref-prefix` arguments of a plain ls-refs request, or null for anything else (handled by git). */
function lsRefsPrefixes(body: Buffer): string[] | null {
  const lines: (string | null)[] = []
  let at = 0
  while (at < body.length) {
    const length = parseInt(body.subarray(at, at + 4).toString('latin1'), 16)
    if (Number.isNaN(length)) return null
    if (length < 4) {
      lines.push(null)
      at += 4
      continue
    }
    lines.push(
      body
        .subarray(at + 4, at + length)
        .toString('utf8')
        .replace(/\n$/, ''),
    )
    at += length
  }
  if (lines[0] !== 'command=ls-refs') return null
  const delim = lines.indexOf(null)
  const args = lines.slice(delim + 1, -1)
  if (delim < 0 || lines.at(-1) !== null) return null
  // Only what Pail asks: prefixes under refs/ (HEAD, symrefs, peel and unborn go to git).
  if (!args.every((a) => a !== null && /^ref-prefix refs\/\S+$/.test(a))) return null
  return args.map((a) => a!.slice('ref-prefix '.length))
}

/**
 * Answers a v2 `info/refs` or `ls-refs` request itself and returns true; false when git must
 * (v0, other commands, compressed or large bodies). `replay` receives a POST body it read, for git.
 */
export async function serveRefsNatively(
  ctx: RequestContext,
  endpoint: string,
  gitDir: string,
  gitVersion: string,
): Promise<{ served: true } | { served: false; replay?: IncomingMessage }> {
  const { req, res } = ctx
  if (!/(^|:)version=2(:|$)/.test(String(req.headers['git-protocol'] ?? ''))) return { served: false }
  if (endpoint === 'info/refs') {
    if (ctx.url.searchParams.get('service') !== 'git-upload-pack') return { served: false }
    req.resume()
    const body = capabilities(gitVersion)
    res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement', 'cache-control': 'no-cache' })
    res.end(body)
    return { served: true }
  }
  if (endpoint !== 'git-upload-pack' || req.headers['content-encoding']) return { served: false }
  if (Number(req.headers['content-length'] ?? Infinity) > 4096) return { served: false }
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks)
  const prefixes = lsRefsPrefixes(body)
  // A Readable stands in for the request whose body was read: runCgi only pipes and resumes it.
  if (!prefixes) return { served: false, replay: Readable.from([body]) as unknown as IncomingMessage }
  const refs = await readRefs(gitDir)
  const out = [...refs]
    .filter(([name]) => prefixes.some((p) => name.startsWith(p)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, sha]) => pkt(`${sha} ${name}`))
  res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result', 'cache-control': 'no-cache' })
  res.end(`${out.join('')}0000`)
  return { served: true }
}
