/**
 * The built window's files (out/renderer), served to the browser: only regular files whose real
 * path lies inside the folder. A path with `..`, an encoded slash or backslash, a NUL, or a link
 * leading out of the folder names nothing here, whatever way it is written.
 */
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { hasControlCharacter } from '../../../shared/bitbucket/repo-path.js'

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * The folder-relative segments a URL path names, decoded; null when it cannot name a file inside
 * the folder (a `..`, an empty part, an encoded `/` or `\`, a control character, bad encoding).
 */
export function fileSegments(pathname: string): string[] | null {
  if (!pathname.startsWith('/')) return null
  const raw = pathname === '/' ? ['index.html'] : pathname.slice(1).split('/')
  const segments: string[] = []
  for (const part of raw) {
    let segment: string
    try {
      segment = decodeURIComponent(part)
    } catch {
      return null
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\]/.test(segment)) return null
    if (hasControlCharacter(segment)) return null
    segments.push(segment)
  }
  return segments
}

/** Serves one folder's files. */
export class StaticFiles {
  private realRoot: string | null = null

  constructor(
    /** The built window's folder; index.html is its page. */
    readonly root: string,
  ) {}

  /**
   * Answers a GET or HEAD of `pathname` (as it came, URL-encoded) with the file it names; false,
   * with nothing sent, when it names none. A path without a file extension that names no file is
   * the window's own page (the window may name its screens in the address).
   */
  async serve(pathname: string, request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const segments = fileSegments(pathname)
    if (!segments) return false
    let file = await this.fileAt(segments)
    if (!file && !segments.at(-1)!.includes('.')) file = await this.fileAt(['index.html'])
    if (!file) return false
    response.statusCode = 200
    response.setHeader('Content-Type', CONTENT_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream')
    response.setHeader('Content-Length', file.size)
    response.setHeader('Cache-Control', 'no-cache')
    if (request.method === 'HEAD') response.end()
    else await pipeline(createReadStream(file.path), response)
    return true
  }

  /** The folder's real path (found once it exists), or null while it does not. */
  private async rootPath(): Promise<string | null> {
    this.realRoot ??= await realpath(this.root).catch(() => null)
    return this.realRoot
  }

  /** The real path and size of the regular file `segments` name inside the folder, or null. */
  private async fileAt(segments: readonly string[]): Promise<{ path: string; size: number } | null> {
    const root = await this.rootPath()
    if (root === null) return null
    let real: string
    try {
      real = await realpath(join(root, ...segments))
    } catch {
      return null
    }
    // A link inside the folder may lead out of it; what counts is where the file really is.
    if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) return null
    const info = await stat(real).catch(() => null)
    return info?.isFile() ? { path: real, size: info.size } : null
  }
}
