/**
 * A hashing thread for large uploads: node:crypto's SHA-1 run in a worker_thread, so that the main
 * thread reads and sends while another core hashes (on the main thread the hash took a third of a
 * large upload's time). GitBlobHasher stays the one blob hasher — header, byte count, refusal of a
 * wrong size — and takes a `Sha1` from here in place of its in-thread one.
 *
 * Bytes in a SharedArrayBuffer reach the thread without a copy; the thread reads them in place, so
 * the caller must leave them untouched until `hashed()` resolves (upload-source.ts waits on it
 * before it reads the next chunk into the same buffer). Other bytes (the blob header) are copied.
 *
 * One thread serves the whole process, started on first use. Its program is the short source text
 * below, run with `eval` and no loader flags: a file of its own would have to be found both under
 * tsx and in the bundled out/, and the program is only node:crypto's Hash driven by messages.
 * The thread keeps the process alive only while a hash is waited for.
 */
import { Worker } from 'node:worker_threads'
import type { Sha1 } from '../git/blob-hash.js'

/** Messages to the thread: bytes for hash `id`, a request for its digest, or its disposal. */
type ToThread =
  { id: number; op: 'update'; bytes: Uint8Array } | { id: number; op: 'digest' } | { id: number; op: 'drop' }

/** Messages back: an update hashed (they come in order), or a digest. */
type FromThread = { id: number; hashed: true } | { id: number; hex: string }

const PROGRAM = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const hashes = new Map()
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let hash = hashes.get(m.id)
    if (!hash) hashes.set(m.id, (hash = createHash('sha1')))
    hash.update(m.bytes)
    parentPort.postMessage({ id: m.id, hashed: true })
  } else if (m.op === 'digest') {
    const hash = hashes.get(m.id) ?? createHash('sha1')
    hashes.delete(m.id)
    parentPort.postMessage({ id: m.id, hex: hash.digest('hex') })
  } else hashes.delete(m.id)
})
`

/** How long the thread may stay without a hash before it is ended. */
const IDLE_THREAD_MS = 10_000

/** What a hash in the thread waits for: its updates hashed, and its digest. */
interface Pending {
  onHashed(): void
  onHex(hex: string): void
  onFailure(error: Error): void
}

/** The thread failed; every hash in it is lost (the upload fails and is tried again later). */
function threadFailure(cause: unknown): Error {
  return new Error('Pail could not compute the hash of a file it was uploading; it will try again.', { cause })
}

/** The process's hashing thread and the hashes it holds. */
class Sha1Thread {
  private readonly worker: Worker
  private readonly hashes = new Map<number, Pending>()
  /** Replies awaited; while any is, the thread keeps the process alive. */
  private awaited = 0
  private failed: Error | null = null
  private idleTimer: NodeJS.Timeout | null = null

  constructor(private readonly onExit: (thread: Sha1Thread) => void) {
    this.worker = new Worker(PROGRAM, { eval: true, execArgv: [] })
    this.worker.unref()
    this.worker.on('message', (message: FromThread) => {
      const pending = this.hashes.get(message.id)
      this.settle()
      if (!pending) return
      if ('hex' in message) {
        this.hashes.delete(message.id)
        pending.onHex(message.hex)
      } else pending.onHashed()
    })
    const fail = (cause: unknown): void => {
      this.failed ??= threadFailure(cause)
      this.onExit(this)
      for (const pending of this.hashes.values()) pending.onFailure(this.failed)
      this.hashes.clear()
    }
    this.worker.on('error', fail)
    this.worker.on('exit', (code) => fail(new Error(`the hashing thread exited (${code})`)))
  }

  /** Sends an update or a digest request for hash `message.id`, which gets one reply; throws if the thread has failed. */
  post(pending: Pending, message: ToThread): void {
    if (this.failed) throw this.failed
    this.hashes.set(message.id, pending)
    if (this.awaited++ === 0) this.worker.ref()
    this.worker.postMessage(message)
  }

  /** Sends a message that gets no reply (the disposal of a hash nobody finished). */
  forget(id: number): void {
    this.hashes.delete(id)
    if (!this.failed) this.worker.postMessage({ id, op: 'drop' } satisfies ToThread)
    this.whenIdle()
  }

  private settle(): void {
    if (--this.awaited === 0) this.worker.unref()
    this.whenIdle()
  }

  /**
   * A thread holding no hash is ended after a while: it costs some 15 MiB, which a tray app left
   * alone should not keep. The next large upload starts another.
   */
  private whenIdle(): void {
    if (this.idleTimer || this.awaited > 0 || this.hashes.size > 0) return
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null
      if (this.awaited > 0 || this.hashes.size > 0) return
      this.onExit(this)
      void this.worker.terminate()
    }, IDLE_THREAD_MS).unref()
  }
}

let thread: Sha1Thread | null = null
let nextId = 0

function currentThread(): Sha1Thread {
  thread ??= new Sha1Thread((failed) => {
    if (thread === failed) thread = null
  })
  return thread
}

/** A hash nobody finished (an attempt given up) is dropped in the thread once it is collected. */
const unfinished = new FinalizationRegistry<{ id: number; thread: Sha1Thread }>(({ id, thread }) => thread.forget(id))

/**
 * A SHA-1 computed in the hashing thread. Bytes given to `update` must stay as they are until
 * `hashed()` resolves; `hex()` may be called once, after the last update.
 */
export function threadSha1(): Sha1 {
  const id = nextId++
  const host = currentThread()
  let posted = 0
  let done = 0
  let failure: Error | null = null
  const waiters: { upTo: number; resolve: () => void; reject: (error: Error) => void }[] = []
  let digest: { resolve: (hex: string) => void; reject: (error: Error) => void } | null = null
  const pending: Pending = {
    onHashed: () => {
      done++
      while (waiters.length > 0 && waiters[0]!.upTo <= done) waiters.shift()!.resolve()
    },
    onHex: (hex) => digest?.resolve(hex),
    onFailure: (error) => {
      failure = error
      for (const waiter of waiters.splice(0)) waiter.reject(error)
      digest?.reject(error)
    },
  }
  const sha1: Sha1 = {
    inThread: false,
    update(bytes) {
      if (failure) throw failure
      posted++
      host.post(pending, { id, op: 'update', bytes })
    },
    hashed() {
      if (failure) return Promise.reject(failure)
      if (done >= posted) return Promise.resolve()
      return new Promise((resolve, reject) => waiters.push({ upTo: posted, resolve, reject }))
    },
    hex() {
      if (failure) return Promise.reject(failure)
      unfinished.unregister(sha1)
      return new Promise((resolve, reject) => {
        digest = { resolve, reject }
        host.post(pending, { id, op: 'digest' })
      })
    },
  }
  unfinished.register(sha1, { id, thread: host }, sha1)
  return sha1
}
