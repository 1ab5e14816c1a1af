/**
 * Small files are read synchronously while the filesystem is fast and through the thread pool
 * otherwise (main/core/fs/sync-while-fast.ts): the same checks must hold on both paths, so a test
 * of them runs once on each, pinned, whatever the machine's speed.
 */
import { test, type TestContext, type TestOptions } from 'node:test'
import { smallFileReads } from '../../main/core/fs/sync-while-fast.js'

type Body = (t: TestContext) => Promise<void>

/** Declares the test twice: small files read synchronously, then through the thread pool. */
export function testOnBothReadPaths(name: string, options: TestOptions | Body, body?: Body): void {
  const run = (typeof options === 'function' ? options : body)!
  const given = typeof options === 'function' ? {} : options
  for (const [how, pinned] of [
    ['read synchronously', true],
    ['read through the thread pool', false],
  ] as const)
    test(`${name} (small files ${how})`, given, async (t) => {
      smallFileReads.pin(pinned)
      t.after(() => smallFileReads.pin(null))
      await run(t)
    })
}
