/**
 * A request's JSON body, read with a size bound (a request that passes it is cut off, not
 * buffered) and parsed; an empty body is `undefined`, the payload of channels that take none.
 */
import type { IncomingMessage } from 'node:http'

/** A body that is not JSON, or too large; the message is for people. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message)
  }
}

/** Whether the request says its body is JSON (`application/json`, any parameters). */
function isJson(request: IncomingMessage): boolean {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  return type === 'application/json'
}

/** Reads and parses the body of `request`; throws BodyError when it is not JSON or passes `maxBytes`. */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? NaN)
  if (declared > maxBytes) throw new BodyError(413, 'The request is larger than Pail takes.')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) throw new BodyError(413, 'The request is larger than Pail takes.')
    chunks.push(chunk)
  }
  if (size === 0) return undefined
  // A form or a "simple" cross-site request cannot send this type without the browser asking first.
  if (!isJson(request)) throw new BodyError(415, 'Pail takes requests as JSON (Content-Type: application/json).')
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
  } catch {
    throw new BodyError(400, 'The request is not valid JSON.')
  }
}
