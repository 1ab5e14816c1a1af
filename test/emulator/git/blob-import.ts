/**
 * Many blobs through one `git fast-import` fed a blob-only stream (`blob`, `mark`, `data`,
 * `get-mark`, `done`: no commit, no ref). git writes them into one pack, as it keeps a large push,
 * instead of one loose file per object; below `fastimport.unpackLimit` it makes them loose itself.
 * Files stream through in chunks, never held whole.
 */
import { spawn } from 'node:child_process'
import { open } from 'node:fs/promises'
import type { Writable } from 'node:stream'

/** Bytes to write as a blob: in memory, or in a file. */
export type BlobSource = { bytes: Buffer } | { file: string }

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

/** Streams one source as a `data <count>` block; the count is the file's size when opened. */
async function sendData(stream: Writable, source: BlobSource): Promise<void> {
  if ('bytes' in source) {
    await send(stream, `data ${source.bytes.length}\n`)
    await send(stream, source.bytes)
    return
  }
  const handle = await open(source.file, 'r')
  try {
    const { size } = await handle.stat()
    await send(stream, `data ${size}\n`)
    let sent = 0
    if (size > 0)
      for await (const chunk of handle.createReadStream({ autoClose: false, end: size - 1 })) {
        sent += (chunk as Buffer).length
        await send(stream, chunk as Buffer)
      }
    // A file that shrank would make git read the next command as content.
    if (sent !== size) throw new Error(`${source.file} changed while it was being read`)
  } finally {
    await handle.close()
  }
}

/** Writes every source as a blob and returns the SHAs in the same order. `env` is git's whole environment. */
export async function importBlobs(env: Record<string, string>, sources: readonly BlobSource[]): Promise<string[]> {
  // --depth=0: uploads are unrelated files, not worth delta attempts against each other.
  const child = spawn('git', ['fast-import', '--quiet', '--done', '--depth=0'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
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
  const failure = (code: number | null): Error =>
    new Error(`git fast-import failed (exit code ${code}): ${Buffer.concat(err).toString('utf8').trim()}`)
  try {
    for (const [i, source] of sources.entries()) {
      await send(child.stdin, `blob\nmark :${i + 1}\n`)
      await sendData(child.stdin, source)
      await send(child.stdin, `\nget-mark :${i + 1}\n`)
    }
    await send(child.stdin, 'done\n')
    child.stdin.end()
  } catch (error) {
    child.kill()
    const code = await exited.catch(() => null)
    throw code !== 0 && err.length > 0 ? failure(code) : error
  }
  const code = await exited
  if (code !== 0) throw failure(code)
  const shas = Buffer.concat(out).toString('utf8').split('\n').filter(Boolean)
  if (shas.length !== sources.length)
    throw new Error(`git fast-import gave ${shas.length} blob names for ${sources.length} blobs`)
  return shas
}
