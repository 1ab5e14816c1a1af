/**
 * One long-lived `git cat-file --batch-command` per repository: answers "what is `rev^{commit}`,
 * `commit:path`, `commit^{tree}`" (`info`) and hands out small objects such as trees
 * (`contents`) without starting a git process per question. git reads refs
 * and objects afresh for every line (a moved branch, a new pack after a push), so its answers are
 * those of a new `git rev-parse`.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Socket } from 'node:net'
import type { Readable, Writable } from 'node:stream'

/** What `cat-file` knows of an object. */
export interface ObjectInfo {
  sha: string
  type: 'blob' | 'tree' | 'commit' | 'tag'
  size: number
}

const FORMAT = '%(objectname) %(objecttype) %(objectsize)'
const FOUND = /^([0-9a-f]{40,64}) (blob|tree|commit|tag) (\d+)$/

/** An object and its bytes. */
export interface ObjectContents extends ObjectInfo {
  bytes: Buffer
}

interface Pending {
  /** Whether git answers with the object's bytes after the line. */
  contents: boolean
  resolve: (answer: ObjectContents | ObjectInfo | null) => void
  reject: (error: Error) => void
}

type BatchProcess = ChildProcessByStdio<Writable, Readable, Readable>

/** One running child and the questions it has not answered yet, oldest first. */
interface Batch {
  child: BatchProcess
  pending: Pending[]
  /** Commands asked but not yet written to git. */
  unsent: string[]
}

/** Whether `cat-file --batch-command` can take `name` as one input line, unchanged. */
export function fitsOneLine(name: string): boolean {
  // git strips a trailing CR from each line, a newline would end the name early and a NUL cut it.
  return name !== '' && !/[\n\r\0]/.test(name)
}

/** A `git cat-file --batch-command` child for one repository, started on first use. */
export class ObjectReader {
  private batch: Batch | null = null

  /** `env` is the whole environment of the child (GIT_DIR included). */
  constructor(private readonly env: () => Record<string, string>) {}

  /**
   * The object `name` resolves to, or null when it names nothing (missing or ambiguous).
   * `name` must pass `fitsOneLine`.
   */
  info(name: string): Promise<ObjectInfo | null> {
    return this.ask('info', name) as Promise<ObjectInfo | null>
  }

  /**
   * The object `name` resolves to with its bytes, held whole: for trees and other small objects,
   * never for blobs of unknown size. `name` must pass `fitsOneLine`.
   */
  contents(name: string): Promise<ObjectContents | null> {
    return this.ask('contents', name) as Promise<ObjectContents | null>
  }

  private ask(command: 'info' | 'contents', name: string): Promise<ObjectContents | ObjectInfo | null> {
    if (!fitsOneLine(name))
      return Promise.reject(new Error(`Object name cannot be sent on one line: ${JSON.stringify(name)}`))
    const batch = this.batch ?? this.start()
    return new Promise((resolve, reject) => {
      // While a question is open the answer must keep Node running; when idle the child must not.
      if (batch.pending.length === 0) (batch.child.stdout as Socket).ref()
      batch.pending.push({ contents: command === 'contents', resolve, reject })
      // Questions asked in the same turn go to git in one write, not one system call each.
      if (batch.unsent.length === 0) queueMicrotask(() => this.flush(batch))
      batch.unsent.push(`${command} ${name}`)
    })
  }

  private flush(batch: Batch): void {
    const commands = batch.unsent
    batch.unsent = []
    if (commands.length > 0) batch.child.stdin.write(`${commands.join('\n')}\n`)
  }

  /** Ends the child once it has answered what it was asked; the next question starts a new one. */
  async close(): Promise<void> {
    const batch = this.batch
    if (!batch) return
    this.batch = null
    const exited = new Promise<void>((resolve) => batch.child.once('close', () => resolve()))
    // Awaited, the exit must keep Node running until it comes.
    batch.child.ref()
    ;(batch.child.stdout as Socket).ref()
    // Questions asked in this same turn are still to be written: they are answered first.
    this.flush(batch)
    batch.child.stdin.end()
    await exited
  }

  private start(): Batch {
    const child = spawn('git', ['cat-file', `--batch-command=${FORMAT}`], {
      env: this.env(),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const batch: Batch = { child, pending: [], unsent: [] }
    this.batch = batch
    let unread: Buffer = Buffer.alloc(0)
    let stderr = ''
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (chunk: Buffer) => {
      unread = unread.length === 0 ? chunk : Buffer.concat([unread, chunk])
      unread = answerAll(batch, unread)
    })
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000)
    })
    // A broken pipe shows as the child's exit below; the write error itself says nothing more.
    child.stdin.on('error', () => undefined)
    const fail = (why: string): void => {
      if (this.batch === batch) this.batch = null
      const error = new Error(`git cat-file --batch-command ${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}`)
      for (const waiting of batch.pending.splice(0)) waiting.reject(error)
    }
    child.on('error', (error) => fail(`could not start (${error.message})`))
    child.on('close', (code, signal) => fail(`ended (${signal ?? `exit code ${code}`})`))
    // Neither the idle child nor its pipes keep the emulator's process alive.
    child.unref()
    ;(child.stdin as Socket).unref()
    ;(child.stdout as Socket).unref()
    ;(child.stderr as Socket).unref()
    return batch
  }
}

/**
 * Settles the open questions of `batch` that `unread` fully answers, oldest first, and returns
 * the bytes left for the next answer: a line, and for `contents` of a found object its bytes
 * and a line break.
 */
function answerAll(batch: Batch, unread: Buffer): Buffer {
  let at = 0
  for (;;) {
    const waiting = batch.pending[0]
    const eol = unread.indexOf(0x0a, at)
    if (!waiting || eol === -1) break
    const found = FOUND.exec(unread.toString('utf8', at, eol))
    // Anything else is `<name> missing` or `<name> ambiguous`.
    const info = found ? { sha: found[1]!, type: found[2] as ObjectInfo['type'], size: Number(found[3]) } : null
    let next = eol + 1
    let answer: ObjectContents | ObjectInfo | null = info
    if (info && waiting.contents) {
      if (unread.length < next + info.size + 1) break
      answer = { ...info, bytes: Buffer.from(unread.subarray(next, next + info.size)) }
      next += info.size + 1
    }
    at = next
    batch.pending.shift()
    if (batch.pending.length === 0) (batch.child.stdout as Socket).unref()
    waiting.resolve(answer)
  }
  return at === 0 ? unread : unread.subarray(at)
}
