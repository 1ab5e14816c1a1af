/**
 * Child process of sha1-thread.test.ts: hashes a blob in the hashing thread, lets the thread go
 * idle, then hashes another with nothing else keeping the process alive, and prints both ids.
 * It must print the second (the thread holds the process while a digest is awaited) and then
 * exit on its own (the idle thread does not hold it).
 */
import { setTimeout as delay } from 'node:timers/promises'
import { GitBlobHasher } from '../../../../../main/core/git/blob-hash.js'
import { threadSha1 } from '../../../../../main/core/bitbucket/sha1-thread.js'

async function hash(text: string): Promise<string> {
  const hasher = new GitBlobHasher(Buffer.byteLength(text), threadSha1())
  hasher.update(Buffer.from(text))
  return hasher.finish()
}

// The first use starts the thread, and a starting thread holds the process by itself.
process.stdout.write(`${await hash('hello')}\n`)
await delay(50)
process.stdout.write(`${await hash('world')}\n`)
