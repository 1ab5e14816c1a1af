/**
 * The one emulator a soak run shares between its schedules (started per test file or per
 * `npm run soak`, never per schedule), with a small client for its control endpoint.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type EmulatorInfo, type EmulatorServer } from '../emulator/server.js'

export interface SoakEmulator {
  server: EmulatorServer
  info: EmulatorInfo
  /** Calls `{webUrl}/_emulator/…` with a JSON body; throws on an answer that is not 2xx. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>
  stop(): Promise<void>
}

/** A control call refused by the emulator, with its status. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export async function startSoakEmulator(): Promise<SoakEmulator> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pail-soak-emu-'))
  const { server, info } = await startEmulator({ dataDir })
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${info.controlUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (!res.ok) throw new ControlError(res.status, `control ${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
    return JSON.parse(text) as T
  }
  return {
    server,
    info,
    control,
    async stop() {
      await server.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
