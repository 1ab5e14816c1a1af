/**
 * Writes through one `git fast-import`: many blobs (`blob`, `mark`, `data`, `get-mark`), or a
 * whole commit — its new blobs, its trees and the commit object — from a parent and its changes.
 * git writes the objects into one pack, as it keeps a large push; below `fastimport.unpackLimit`
 * it makes them loose itself. No ref moves: a commit is made on a scratch branch that a `reset`
 * empties again before the end, so fast-import writes no ref and the caller moves the branch with
 * its own compare-and-swap. Files stream through in chunks, never held whole.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'

/** Bytes to write as a blob: in memory, or in a file. */
export type BlobSource = { bytes: Buffer } | { file: string }

/** One file of a commit: a blob already in the repository (`blob`, its SHA) or bytes to write (`content`). */
export type ImportChange = { path: string; mode: string } & ({ blob: string } | { content: BlobSource })

/** A commit for `importCommit`: identities as `Name <email>`, already as git would write them. */
export interface ImportCommit {
  parent: string | null
  /** Deleted first, then the changes written in order (a later path wins, as in fast-import). */
  deletions: readonly string[]
  changes: readonly ImportChange[]
  message: string
  author: string
  committer: string
}

/** Commands are written to git in pieces of about this size. */
const FLUSH_BYTES = 256 * 1024

/** The branch a commit is built on inside fast-import; never written (see the file comment). */
const SCRATCH_REF = 'refs/emulator/fast-import'

/** Writes `data`, waiting while the pipe is full; rejects once the pipe is gone (git stopped reading). */
async function send(stream: Writable, data: Buffer | string): Promise<void> {
  if (stream.destroyed) throw new Error('git fast-import stopped reading')
  if (stream.write(data)) return
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      stream.off('drain', onDrain)
      stream.off('close', onClose)
      if (error) reject(error)
      else resolve()
    }
    const onDrain = (): void => settle()
    const onClose = (): void => settle(new Error('git fast-import stopped reading'))
    stream.on('drain', onDrain)
    stream.on('close', onClose)
  })
}

/**
 * Commands on their way to git, gathered into writes of `FLUSH_BYTES` or more: a thousand small
 * blobs cost a few writes, not three thousand. Files stream through unbuffered.
 */
class Feed {
  private parts: Buffer[] = []
  private size = 0

  constructor(private readonly stream: Writable) {}

  async write(data: Buffer | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    this.parts.push(bytes)
    this.size += bytes.length
    if (this.size >= FLUSH_BYTES) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.size === 0) return
    const all = Buffer.concat(this.parts)
    this.parts = []
    this.size = 0
    await send(this.stream, all)
  }

  /** Streams one source as a `data <count>` block; the count is the file's size when opened. */
  async data(source: BlobSource): Promise<void> {
    if ('bytes' in source) {
      await this.write(`data ${source.bytes.length}\n`)
      await this.write(source.bytes)
      return
    }
    const handle = await open(source.file, 'r')
    try {
      const { size } = await handle.stat()
      await this.write(`data ${size}\n`)
      await this.flush()
      let sent = 0
      if (size > 0)
        for await (const chunk of handle.createReadStream({ autoClose: false, end: size - 1 })) {
          sent += (chunk as Buffer).length
          await send(this.stream, chunk as Buffer)
        }
      // A file that shrank would make git read the next command as content.
      if (sent !== size) throw new Error(`${source.file} changed while it was being read`)
    } finally {
      await handle.close()
    }
  }
}

/**
 * A path as a fast-import command takes it: as is, or C-quoted when it starts with a quote or
 * holds a line break (which would end the command). Other bytes pass through quoting unchanged.
 */
export function fastImportPath(path: string): string {
  if (!path.startsWith('"') && !path.includes('\n')) return path
  return `"${path.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`
}

/**
 * Runs one `git fast-import` fed by `feed` and resolves with what it printed (one line per
 * `get-mark`). `env` is git's whole environment, GIT_DIR included. A failure rejects with git's
 * own words and leaves no crash report in the repository.
 */
async function runFastImport(
  env: Record<string, string>,
  args: readonly string[],
  feed: (stdin: Feed) => Promise<void>,
): Promise<string[]> {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
    'git',
    ['fast-import', '--quiet', '--done', ...args],
    { env, stdio: ['pipe', 'pipe', 'pipe'] },
  )
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  // Awaited below; a git that cannot start must not count as an unhandled rejection meanwhile.
  exited.catch(() => undefined)
  // A broken pipe means git stopped reading: its exit code and stderr tell why.
  child.stdin.on('error', () => undefined)
  const failure = async (code: number | null): Promise<Error> => {
    // fast-import leaves `fast_import_crash_<pid>` in the repository when it dies.
    if (env.GIT_DIR && child.pid !== undefined)
      await rm(join(env.GIT_DIR, `fast_import_crash_${child.pid}`), { force: true }).catch(() => undefined)
    const words = Buffer.concat(err)
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('fast-import: dumping crash report'))
      .join('\n')
    return new Error(`git fast-import failed (exit code ${code}): ${words}`)
  }
  try {
    const stdin = new Feed(child.stdin)
    await feed(stdin)
    await stdin.write('done\n')
    await stdin.flush()
    child.stdin.end()
  } catch (error) {
    child.kill()
    const code = await exited.catch(() => null)
    throw code !== 0 && err.length > 0 ? await failure(code) : error
  }
  const code = await exited
  if (code !== 0) throw await failure(code)
  return Buffer.concat(out).toString('utf8').split('\n').filter(Boolean)
}

/** Writes every source as a blob and returns the SHAs in the same order. `env` is git's whole environment. */
export async function importBlobs(env: Record<string, string>, sources: readonly BlobSource[]): Promise<string[]> {
  // --depth=0: uploads are unrelated files, not worth delta attempts against each other.
  const shas = await runFastImport(env, ['--depth=0'], async (stdin) => {
    for (const [i, source] of sources.entries()) {
      await stdin.write(`blob\nmark :${i + 1}\n`)
      await stdin.data(source)
      await stdin.write(`\nget-mark :${i + 1}\n`)
    }
  })
  if (shas.length !== sources.length)
    throw new Error(`git fast-import gave ${shas.length} blob names for ${sources.length} blobs`)
  return shas
}

/**
 * Writes a commit (new blobs, trees, the commit) and returns its SHA; no ref moves. The commit's
 * dates are now, in the local time zone, as `git commit-tree` would write them.
 */
export async function importCommit(env: Record<string, string>, spec: ImportCommit): Promise<string> {
  const lines = await runFastImport(env, ['--depth=0', '--date-format=now'], async (stdin) => {
    const refs: string[] = []
    let mark = 0
    for (const change of spec.changes) {
      if ('blob' in change) {
        refs.push(change.blob)
        continue
      }
      await stdin.write(`blob\nmark :${++mark}\n`)
      await stdin.data(change.content)
      await stdin.write('\n')
      refs.push(`:${mark}`)
    }
    const message = Buffer.from(spec.message, 'utf8')
    const commit = mark + 1
    let head = `commit ${SCRATCH_REF}\nmark :${commit}\nauthor ${spec.author} now\ncommitter ${spec.committer} now\n`
    head += `data ${message.length}\n`
    await stdin.write(head)
    await stdin.write(message)
    // Without `from`, a first commit on the scratch branch starts from the empty tree: a root commit.
    await stdin.write(spec.parent === null ? '\n' : `\nfrom ${spec.parent}\n`)
    let body = ''
    for (const path of spec.deletions) body += `D ${fastImportPath(path)}\n`
    for (const [i, change] of spec.changes.entries())
      body += `M ${change.mode} ${refs[i]} ${fastImportPath(change.path)}\n`
    await stdin.write(`${body}\nget-mark :${commit}\nreset ${SCRATCH_REF}\n\n`)
  })
  const sha = lines.at(-1)
  if (lines.length !== 1 || sha === undefined || !/^[0-9a-f]{40,64}$/.test(sha))
    throw new Error(`git fast-import gave no commit name: ${lines.join(' ').slice(0, 200)}`)
  return sha
}
