/**
 * A streaming `multipart/form-data` parser that keeps each part's raw headers.
 *
 * Bitbucket's `/src` semantics hang on details a generic form parser throws away
 * (bitbucket-api.md §3): whether the `Content-Disposition` carries `filename=`, the
 * non-standard `x-attributes:"executable"` parameter (colon, not equals), and bytes that are
 * never decoded. Part bodies are handed to a sink chunk by chunk, so a file of any size passes
 * through in bounded memory; the boundary search is `streamsearch`'s Boyer-Moore-Horspool.
 */
import StreamSearch from 'streamsearch'

/** One `Content-Disposition` parameter and the separator it was written with. */
export interface DispositionParam {
  value: string
  /** '=' as RFC 6266 writes it; ':' as [SPEC]'s `x-attributes:"executable"` example writes it (§3). */
  separator: '=' | ':'
}

/** A parsed `Content-Disposition` header. */
export interface Disposition {
  /** `form-data`, or `attachment` as in [SPEC]'s example; lower case. */
  type: string
  /** Lower-case parameter name → value. RFC 2231 `name*=` values replace plain ones. */
  params: Map<string, DispositionParam>
}

/** The headers of one part, names in lower case, values as sent (decoded as UTF-8). */
export interface PartHead {
  headers: Map<string, string>
  disposition: Disposition | null
}

/** Receives one part's body; `write` is awaited before more input is read (backpressure). */
export interface PartSink {
  write(chunk: Buffer): Promise<void>
  end(): Promise<void>
}

/** Thrown for a body that is not well-formed multipart. */
export class MultipartError extends Error {}

/** Header blocks larger than this are refused: no legitimate part needs more. */
const MAX_HEADER_BYTES = 64 * 1024

/** The `boundary` parameter of a `multipart/form-data` Content-Type, or null. */
export function boundaryOf(contentType: string): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType)
  const value = match?.[1] ?? match?.[2] ?? null
  // RFC 2046 §5.1.1: 1 to 70 characters.
  return value !== null && value.length >= 1 && value.length <= 70 ? value : null
}

/** Decodes an RFC 2231/5987 extended value: `charset'lang'percent-encoded`. */
function decodeExtended(raw: string): string | null {
  const match = /^([^']*)'[^']*'(.*)$/.exec(raw)
  if (!match) return null
  const bytes: number[] = []
  const text = match[2]!
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'))
  }
  const charset = match[1]!.toLowerCase()
  return Buffer.from(bytes).toString(charset === 'iso-8859-1' || charset === 'latin1' ? 'latin1' : 'utf8')
}

/**
 * Parses a `Content-Disposition` value. Quoted strings unescape only `\"` and `\\`, the way
 * Python's `cgi`/Django header parsers do, so a WHATWG client's unescaped backslash survives.
 * Percent escapes in plain values are kept: a path may contain `%` (§8.2).
 */
export function parseDisposition(value: string): Disposition {
  const params = new Map<string, DispositionParam>()
  let i = 0
  const n = value.length
  const skipSpace = (): void => {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++
  }
  skipSpace()
  let type = ''
  while (i < n && value[i] !== ';') type += value[i++]
  const extended = new Map<string, DispositionParam>()
  while (i < n) {
    while (i < n && (value[i] === ';' || value[i] === ' ' || value[i] === '\t')) i++
    let key = ''
    while (i < n && !'=:; \t'.includes(value[i]!)) key += value[i++]
    skipSpace()
    const separator = value[i]
    if (separator !== '=' && separator !== ':') {
      // A bare token: no value; skip to the next parameter.
      while (i < n && value[i] !== ';') i++
      continue
    }
    i++
    skipSpace()
    let text = ''
    if (value[i] === '"') {
      i++
      while (i < n && value[i] !== '"') {
        if (value[i] === '\\' && (value[i + 1] === '"' || value[i + 1] === '\\')) i++
        text += value[i++]
      }
      i++
    } else {
      while (i < n && value[i] !== ';') text += value[i++]
      text = text.trimEnd()
    }
    if (key === '') continue
    const name = key.toLowerCase()
    if (name.endsWith('*')) {
      const decoded = decodeExtended(text)
      if (decoded !== null) extended.set(name.slice(0, -1), { value: decoded, separator })
    } else if (!params.has(name)) params.set(name, { value: text, separator })
  }
  for (const [name, param] of extended) params.set(name, param)
  return { type: type.trim().toLowerCase(), params }
}

/** Parses a part's header block (UTF-8, CRLF lines, obsolete folding allowed). */
export function parseHeaders(block: Buffer): PartHead {
  const headers = new Map<string, string>()
  const lines = block.toString('utf8').split('\r\n')
  let last: string | null = null
  for (const line of lines) {
    if (line === '') continue
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== null) {
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`)
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) throw new MultipartError('Malformed multipart body: bad part header')
    last = line.slice(0, colon).trim().toLowerCase()
    headers.set(last, line.slice(colon + 1).trim())
  }
  const raw = headers.get('content-disposition')
  return { headers, disposition: raw === undefined ? null : parseDisposition(raw) }
}

type State = 'preamble' | 'after-boundary' | 'headers' | 'body' | 'done'

/** The part-by-part state machine fed with what lies between boundary matches. */
class PartMachine {
  private state: State = 'preamble'
  private pending: Buffer = Buffer.alloc(0)
  private sink: PartSink | null = null

  constructor(private readonly open: (head: PartHead) => Promise<PartSink>) {}

  get finished(): boolean {
    return this.state === 'done'
  }

  async data(chunk: Buffer): Promise<void> {
    switch (this.state) {
      case 'preamble':
      case 'done':
        return
      case 'body':
        if (chunk.length > 0) await this.sink!.write(chunk)
        return
      case 'after-boundary':
      case 'headers':
        this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
        await this.advance()
        // Still waiting for the end of the header block: bound what is held.
        if (this.pending.length > MAX_HEADER_BYTES)
          throw new MultipartError('Malformed multipart body: part headers too large')
    }
  }

  /** Moves through the boundary tail and the header block as far as the bytes allow. */
  private async advance(): Promise<void> {
    if (this.state === 'after-boundary') {
      if (this.pending.length < 2) return
      if (this.pending[0] === 0x2d && this.pending[1] === 0x2d) {
        // `--boundary--`: the close delimiter; the epilogue is ignored (RFC 2046 §5.1.1).
        this.state = 'done'
        this.pending = Buffer.alloc(0)
        return
      }
      const eol = this.pending.indexOf('\r\n')
      if (eol < 0) return
      // Only transport padding (spaces, tabs) may follow a boundary before its CRLF.
      if (!/^[ \t]*$/.test(this.pending.subarray(0, eol).toString('latin1')))
        throw new MultipartError('Malformed multipart body: junk after a boundary')
      this.pending = this.pending.subarray(eol + 2)
      this.state = 'headers'
    }
    if (this.state === 'headers') {
      // A part may have no headers at all: the block is then just the empty line.
      const end = this.pending.subarray(0, 2).equals(Buffer.from('\r\n')) ? -2 : this.pending.indexOf('\r\n\r\n')
      if (end === -1) return
      const head = parseHeaders(end === -2 ? Buffer.alloc(0) : this.pending.subarray(0, end))
      const rest = this.pending.subarray(end === -2 ? 2 : end + 4)
      this.pending = Buffer.alloc(0)
      this.sink = await this.open(head)
      this.state = 'body'
      if (rest.length > 0) await this.sink.write(rest)
    }
  }

  async boundary(): Promise<void> {
    switch (this.state) {
      case 'preamble':
        this.state = 'after-boundary'
        return
      case 'body':
        await this.sink!.end()
        this.sink = null
        this.state = 'after-boundary'
        return
      case 'done':
        return
      default:
        throw new MultipartError('Malformed multipart body: a boundary inside part headers')
    }
  }
}

type Event = { kind: 'data'; chunk: Buffer } | { kind: 'boundary' }

/**
 * Reads a multipart body, calling `open` with each part's headers and streaming its body to
 * the returned sink. Throws `MultipartError` for a malformed body (including a missing close
 * delimiter, which is how a truncated upload shows).
 */
export async function parseMultipart(
  body: AsyncIterable<Buffer | string>,
  boundary: string,
  open: (head: PartHead) => Promise<PartSink>,
): Promise<void> {
  const machine = new PartMachine(open)
  let events: Event[] = []
  // The delimiter is CRLF + `--boundary`; the CRLF belongs to the delimiter, not the part body.
  const search = new StreamSearch(
    Buffer.from(`\r\n--${boundary}`, 'latin1'),
    (isMatch, data, start, end, isSafeData) => {
      if (data && end > start) {
        const slice = data.subarray(start, end)
        // Unsafe data is streamsearch's look-behind buffer, which it reuses: copy it.
        events.push({ kind: 'data', chunk: isSafeData ? slice : Buffer.from(slice) })
      }
      if (isMatch) events.push({ kind: 'boundary' })
    },
  )
  const drain = async (): Promise<void> => {
    const batch = events
    events = []
    for (const event of batch) {
      if (event.kind === 'data') await machine.data(event.chunk)
      else await machine.boundary()
    }
  }
  // A leading CRLF lets a boundary on the very first line match the same delimiter.
  search.push(Buffer.from('\r\n'))
  for await (const chunk of body) {
    search.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)
    await drain()
  }
  search.destroy()
  await drain()
  if (!machine.finished) throw new MultipartError('Malformed multipart body: the closing boundary is missing')
}
