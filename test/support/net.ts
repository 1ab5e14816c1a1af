/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a server a test starts later (the
 * OAuth callback port, a proxy).
 *
 * Taken below the system's ephemeral range (Linux: 32768–60999), not from it: a port the kernel
 * hands out for `listen(0)` is one it also hands out to outgoing connections, and with tests
 * running side by side (git fetches, emulator calls) one of those could take it between this
 * check and the test's own listen.
 */
import { createServer } from 'node:net'

const LOW = 20_000
const HIGH = 32_000

/** Whether `port` can be listened on now. */
function listenable(port: number): Promise<boolean> {
  const server = createServer()
  return new Promise((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW))
    if (await listenable(port)) return port
  }
  throw new Error(`No free port between ${LOW} and ${HIGH} on 127.0.0.1.`)
}
