/**
 * Name and version of Pail, read from package.json once.
 */
import { readFileSync } from 'node:fs'
import type { AppInfo } from '../../shared/ipc/contract.js'

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string
  version: string
}

/** The AppInfo for a given shell. */
export function appInfo(shell: AppInfo['shell']): AppInfo {
  return { name: manifest.name, version: manifest.version, shell }
}
