/**
 * A small CGI bridge (RFC 3875) for `git http-backend`: the request body streams into the child,
 * the child's header block (with its `Status:` line) becomes the HTTP status and headers, and the
 * rest of its output streams out as the body. Nothing is buffered whole, so multi-megabyte pushes
 * and clones cost no memory.
 */
import { spawn } from 'node:child_process'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** One CGI invocation: the program, its full environment and the exchange it serves. */
export interface CgiRequest {
  command: string
  args: readonly string[]
  env: Record<string, string>
  req: IncomingMessage
  res: ServerResponse
}

/** A parsed CGI header block. */
export interface CgiHead {
  status: number
  headers: [string, string][]
}

/** Parses a CGI header block (CRLF or LF lines); `Status: 403 Forbidden` gives the status. */
export function parseCgiHead(block: string): CgiHead {
  let status = 200
  const headers: [string, string][] = []
  for (const line of block.split(/\r?\n/)) {
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error(`Malformed CGI header line: ${JSON.stringify(line.slice(0, 80))}`)
    const name = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    if (name.toLowerCase() === 'status') {
      status = Number.parseInt(value, 10)
      if (!Number.isInteger(status) || status < 100 || status > 599)
        throw new Error(`Malformed CGI status: ${JSON.stringify(value)}`)
    } else headers.push([name, value])
  }
  return { status, headers }
}

/** Where the header block ends in `buf` and how long the separator is; null while incomplete. */
export function headEnd(buf: Buffer): { at: number; separator: number } | null {
  const crlf = buf.indexOf('\r\n\r\n')
  const lf = buf.indexOf('\n\n')
  if (crlf < 0 && lf < 0) return null
  if (lf < 0 || (crlf >= 0 && crlf < lf)) return { at: crlf, separator: 4 }
  return { at: lf, separator: 2 }
}

/** Largest header block accepted from the child; git's are a few hundred bytes. */
const MAX_HEAD = 64 * 1024

/**
 * Runs the CGI program for one request. Resolves when the program has exited; a program that
 * fails before sending headers gets a plain 502, one that dies later leaves a truncated body
 * for the client to notice (git reports an early EOF).
 */
export function runCgi({ command, args, env, req, res }: CgiRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stderr = ''
    let head = Buffer.alloc(0)
    let started = false

    const fail = (message: string): void => {
      if (res.headersSent) {
        res.destroy()
        return
      }
      const body = `${message}\n`
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    }
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }

    // The backend may refuse a request without reading its body (a 403 from http-backend, say).
    child.stdin.on('error', () => undefined)
    req.on('error', kill)
    req.pipe(child.stdin)
    // A client that goes away mid-clone must not leave git running.
    res.on('close', () => {
      if (!res.writableFinished) kill()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString('utf8')
    })

    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      const end = headEnd(head)
      if (!end) {
        if (head.length > MAX_HEAD) {
          child.stdout.off('data', onData)
          kill()
          fail('The git backend sent no header block.')
        }
        return
      }
      child.stdout.off('data', onData)
      child.stdout.pause()
      let parsed: CgiHead
      try {
        parsed = parseCgiHead(head.subarray(0, end.at).toString('latin1'))
      } catch (error) {
        kill()
        fail((error as Error).message)
        return
      }
      started = true
      res.writeHead(parsed.status, parsed.headers.flat())
      const rest = head.subarray(end.at + end.separator)
      if (rest.length > 0) res.write(rest)
      child.stdout.pipe(res)
    }
    child.stdout.on('data', onData)

    child.on('error', (error) => {
      if (!started && !res.headersSent) reject(error)
      else res.destroy()
    })
    child.on('close', (code, signal) => {
      // Whatever of the body the program did not read is drained, so the connection stays usable.
      req.unpipe(child.stdin)
      if (!req.readableEnded) req.resume()
      if (!started && !res.headersSent && !res.destroyed) {
        const detail = stderr.trim().split('\n').at(-1) ?? ''
        fail(`The git backend ended without answering (${signal ?? `exit ${code}`})${detail ? `: ${detail}` : ''}.`)
      }
      resolve()
    })
  })
}
