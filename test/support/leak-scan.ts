/**
 * Checks that none of the secrets an emulator issued appears in Pail's log files or its
 * non-secret state (accounts.json) — everything in a Pail home except the secret store itself and
 * the admin's provisioning file (which holds the consumer secret by design).
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { flushLogs } from '../../main/core/log/logger.js'

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  )
  return nested.flat()
}

/** Asserts that no secret is in the logs and state of `home`; returns how many files were read. */
export async function assertNoSecretsInHome(home: string, secrets: readonly string[]): Promise<number> {
  // Pail's log is written after each call returns: scan it once every line logged so far is in.
  await flushLogs()
  const files = (await filesUnder(home)).filter((f) => !f.endsWith('secrets.json') && !f.endsWith('provisioning.json'))
  const logs = files.filter((f) => f.includes(`${join(home, 'logs')}`))
  assert.ok(logs.length > 0, 'Pail wrote a log to scan')
  for (const file of files) {
    const text = await readFile(file, 'utf8')
    const found = secrets.filter((s) => text.includes(s)).length
    assert.equal(found, 0, `${found} issued secret(s) found in ${file}`)
  }
  return files.length
}
