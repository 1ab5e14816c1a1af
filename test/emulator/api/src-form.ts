/**
 * Turns a `/src` request body (multipart or urlencoded) into meta fields and uploaded files,
 * following bitbucket-api.md §3: field names are repository paths, the five meta names are meta
 * unless the part has `filename=` (multipart) or the name has a leading `/` (both), file bytes are
 * never decoded, and `x-attributes` marks executables and links. Small files stay in memory,
 * within a budget per request; larger ones go straight to temporary files, never to memory.
 */
import { open as openFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { BlobSource } from '../git/git-store.js'
import { ApiError } from '../http.js'
import type { EmulatorSettings } from '../settings.js'
import type { PartHead, PartSink } from './multipart.js'

/** The five meta field names of §3; every other field name is a repository path. */
export const META_FIELDS = ['message', 'author', 'parents', 'files', 'branch'] as const
/** One of the meta field names. */
export type MetaField = (typeof META_FIELDS)[number]

/** `x-attributes` values that change the git mode (§3); submodules are not supported. */
export type FileAttribute = 'executable' | 'link'

/** One uploaded file: its bytes in memory (a small file) or in a temporary file. */
export interface Upload {
  /** Repository path, no leading slash. */
  path: string
  content: BlobSource
  attribute: FileAttribute | null
}

/** A whole `/src` request body, read. */
export interface SrcForm {
  /** Every value sent for each meta field, in order. */
  meta: Record<MetaField, string[]>
  /** Uploaded files in request order (a path may repeat; the caller decides). */
  uploads: Upload[]
}

/** Meta values are short; this bounds what a meta field may hold in memory. */
const MAX_META_BYTES = 1024 * 1024

/**
 * A file part up to this size stays in memory (on a slow disk, a thousand small temporary files
 * cost more than the commit); a larger one streams to a temporary file from the moment it
 * outgrows this.
 */
const SMALL_PART_BYTES = 64 * 1024
/** What one request may hold in memory across its small parts; past it, parts go to files too. */
const MAX_HELD_BYTES = 16 * 1024 * 1024

function isMeta(name: string): name is MetaField {
  return (META_FIELDS as readonly string[]).includes(name)
}

/**
 * Validates and normalises a repository path. "Path field names are always interpreted to be
 * absolute from the root of the repository, regardless whether the client uses a leading
 * slash" (§3), so one leading `/` goes. UNCONFIRMED §3: what Bitbucket answers for `..`,
 * `.git/…`, empty or Windows-absolute paths; the emulator answers 400 with the §4.1 envelope.
 * Names are otherwise kept exactly as sent: no Unicode normalisation, no percent-decoding.
 */
export function normalisePath(raw: string): string {
  const path = raw.startsWith('/') ? raw.slice(1) : raw
  const bad = (why: string): ApiError =>
    new ApiError(400, `Invalid path: ${why}`, { fields: { path: [`"${raw}" ${why}.`] } })
  if (path === '') throw bad('is empty')
  if (path.includes('\0')) throw bad('contains a NUL character')
  if (/^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\')) throw bad('is an absolute Windows path')
  for (const segment of path.split('/')) {
    if (segment === '') throw bad('has an empty segment')
    if (segment === '.' || segment === '..') throw bad('has a "." or ".." segment')
    // git's verify_path (core.protectNTFS, on by default) also refuses `.git.`, `.git ` and `git~1`.
    if (/^\.git[. ]*$/i.test(segment) || /^git~1$/i.test(segment)) throw bad('points into .git')
  }
  return path
}

/** Which attribute a part's `Content-Disposition` asks for, honouring `xAttributesSyntax` (§3). */
export function attributeOf(head: PartHead, syntax: EmulatorSettings['xAttributesSyntax']): FileAttribute | null {
  const param = head.disposition?.params.get('x-attributes')
  if (!param) return null
  const accepted = syntax === 'both' || (syntax === 'colon' ? param.separator === ':' : param.separator === '=')
  if (!accepted) return null
  const value = param.value.trim().toLowerCase()
  // Choice: an unknown value is ignored (a regular file), as unknown parameters are.
  return value === 'executable' || value === 'link' ? value : null
}

/** A sink collecting a meta value in memory, bounded. */
function metaSink(onDone: (value: string) => void): PartSink {
  const chunks: Buffer[] = []
  let size = 0
  return {
    write: async (chunk) => {
      size += chunk.length
      if (size > MAX_META_BYTES) throw new ApiError(400, 'A form field is too large')
      chunks.push(chunk)
    },
    end: async () => onDone(Buffer.concat(chunks).toString('utf8')),
  }
}

/** Collects one request's fields; `close()` releases any file left open by an aborted parse. */
export class FormCollector {
  readonly form: SrcForm = { meta: { message: [], author: [], parents: [], files: [], branch: [] }, uploads: [] }
  private readonly handles = new Set<FileHandle>()
  private counter = 0
  /** Bytes of small parts held in memory so far. */
  private held = 0

  /** `tempDir` gives the request's directory for temporary files, made when the first part needs one. */
  constructor(
    private readonly tempDir: () => Promise<string>,
    private readonly settings: EmulatorSettings,
  ) {}

  /**
   * A multipart part: a file when its `Content-Disposition` has `filename=` or its name is not a
   * meta name; `-F path=` without a filename is a (possibly empty) file too (§8.1.3).
   */
  async openPart(head: PartHead): Promise<PartSink> {
    const params = head.disposition?.params
    let name = params?.get('name')?.value
    if (name === undefined && this.settings.multipartContentIdPath) {
      const id = head.headers.get('content-id')
      if (id !== undefined) name = id.replace(/^"(.*)"$/, '$1').replace(/^<(.*)>$/, '$1')
    }
    // A part without a name carries nothing addressable; form parsers skip it.
    if (name === undefined) return { write: async () => undefined, end: async () => undefined }
    const hasFilename = params?.has('filename') ?? false
    if (!hasFilename && isMeta(name)) return this.openMeta(name)
    return this.openUpload(name, attributeOf(head, this.settings.xAttributesSyntax))
  }

  /** An urlencoded field: meta when its name is exactly a meta name, else a file (`/message` is a file, §3). */
  async openField(name: string): Promise<PartSink> {
    if (isMeta(name)) return this.openMeta(name)
    // UNCONFIRMED §3: urlencoded has no way to send x-attributes; such files are regular.
    return this.openUpload(name, null)
  }

  private openMeta(field: MetaField): PartSink {
    return metaSink((value) => this.form.meta[field].push(value))
  }

  private async openUpload(name: string, attribute: FileAttribute | null): Promise<PartSink> {
    const path = normalisePath(name)
    // The part's bytes while it is small; null once it streams to `file`.
    let chunks: Buffer[] | null = []
    let size = 0
    let file = ''
    let handle: FileHandle | null = null
    const writeOut = async (to: FileHandle, chunk: Buffer): Promise<void> => {
      // write(2) may take fewer bytes than offered; loop until the chunk is on disk.
      for (let done = 0; done < chunk.length;) done += (await to.write(chunk, done)).bytesWritten
    }
    return {
      write: async (chunk) => {
        if (chunks !== null) {
          if (size + chunk.length <= SMALL_PART_BYTES && this.held + chunk.length <= MAX_HELD_BYTES) {
            chunks.push(chunk)
            size += chunk.length
            this.held += chunk.length
            return
          }
          // Too large for memory: to a temporary file, what came so far first.
          file = join(await this.tempDir(), `part-${this.counter++}`)
          handle = await openFile(file, 'wx', 0o600)
          this.handles.add(handle)
          const earlier = chunks
          chunks = null
          this.held -= size
          for (const part of earlier) await writeOut(handle, part)
        }
        await writeOut(handle!, chunk)
      },
      end: async () => {
        if (chunks !== null) {
          this.form.uploads.push({ path, content: { bytes: Buffer.concat(chunks) }, attribute })
          return
        }
        this.handles.delete(handle!)
        await handle!.close()
        this.form.uploads.push({ path, content: { file }, attribute })
      },
    }
  }

  /** Closes files an aborted parse left open. */
  async close(): Promise<void> {
    for (const handle of this.handles) await handle.close().catch(() => undefined)
    this.handles.clear()
  }
}
