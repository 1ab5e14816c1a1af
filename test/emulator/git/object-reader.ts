/**
 * One long-lived `git cat-file --batch-check` per repository: answers "what is `rev^{commit}`,
 * `commit:path`, `commit^{tree}`" without starting a git process per question. git reads refs
 * and objects afresh for every line (a moved branch, a new pack after a push), so its answers are
 * those of a new `git rev-parse`.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Socket } from 'node:net'
import type { Readable, Writable } from 'node:stream'

/** What `cat-file --batch-check` knows of an object. */
export interface ObjectInfo {
  sha: string
  type: 'blob' | 'tree' | 'commit' | 'tag'
  size: number
}

const FORMAT = '%(objectname) %(objecttype) %(objectsize)'
const FOUND = /^([0-9a-f]{40,64}) (blob|tree|commit|tag) (\d+)$/

interface Pending {
  resolve: (info: ObjectInfo | null) => void
  reject: (error: Error) => void
}

type BatchProcess = ChildProcessByStdio<Writable, Readable, Readable>

/** One running child and the questions it has not answered yet, oldest first. */
interface Batch {
  child: BatchProcess
  pending: Pending[]
}

/** Whether `cat-file --batch-check` can take `name` as one input line, unchanged. */
export function fitsOneLine(name: string): boolean {
  // git strips a trailing CR from each line, a newline would end the name early and a NUL cut it.
  return name !== '' && !/[\n\r\0]/.test(name)
}

/** A `git cat-file --batch-check` child for one repository, started on first use. */
export class ObjectReader {
  private batch: Batch | null = null

  /** `env` is the whole environment of the child (GIT_DIR included). */
  constructor(private readonly env: () => Record<string, string>) {}

  /**
   * The object `name` resolves to, or null when it names nothing (missing or ambiguous).
   * `name` must pass `fitsOneLine`.
   */
  info(name: string): Promise<ObjectInfo | null> {
    if (!fitsOneLine(name))
      return Promise.reject(new Error(`Object name cannot be sent on one line: ${JSON.stringify(name)}`))
    const batch = this.batch ?? this.start()
    return new Promise((resolve, reject) => {
      // While a question is open the answer must keep Node running; when idle the child must not.
      if (batch.pending.length === 0) (batch.child.stdout as Socket).ref()
      batch.pending.push({ resolve, reject })
      batch.child.stdin.write(`${name}\n`)
    })
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
    batch.child.stdin.end()
    await exited
  }

  private start(): Batch {
    const child = spawn('git', ['cat-file', `--batch-check=${FORMAT}`], {
      env: this.env(),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const batch: Batch = { child, pending: [] }
    this.batch = batch
    let partial = ''
    let stderr = ''
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (text: string) => {
      const lines = (partial + text).split('\n')
      partial = lines.pop()!
      for (const line of lines) answer(batch, line)
    })
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000)
    })
    // A broken pipe shows as the child's exit below; the write error itself says nothing more.
    child.stdin.on('error', () => undefined)
    const fail = (why: string): void => {
      if (this.batch === batch) this.batch = null
      const error = new Error(`git cat-file --batch-check ${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}`)
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

/** Settles the oldest open question of `batch` with one line of git's output. */
function answer(batch: Batch, line: string): void {
  const waiting = batch.pending.shift()
  if (!waiting) return
  if (batch.pending.length === 0) (batch.child.stdout as Socket).unref()
  const found = FOUND.exec(line)
  // Anything else is `<name> missing` or `<name> ambiguous`.
  waiting.resolve(found ? { sha: found[1]!, type: found[2] as ObjectInfo['type'], size: Number(found[3]) } : null)
}
