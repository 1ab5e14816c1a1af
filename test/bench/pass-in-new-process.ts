/**
 * Runs pass-child.ts (a PairSyncer pass, or the plain walk, in a new process) and returns the
 * line it printed. Spawned, never spawnSync'ed: the child talks to the emulator in this process.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { BenchContext } from './support.js'

const CHILD = fileURLToPath(new URL('./pass-child.ts', import.meta.url))

/** What a pass in the child printed. */
export interface ChildPass {
  ms: number
  status: string
  uploaded: number
  deleted: number
  downloaded: number | null
}

/** Runs pass-child.ts with `env` and returns the line it printed. */
export async function runPassChild<T>(env: Record<string, string>): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  if (code !== 0) throw new Error(`the bench's pass child exited ${code}: ${stderr.trim()}`)
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T
}

/** One pass of `pairId` (signed in at `home`) in a new process. */
export function passInNewProcess(ctx: BenchContext, home: string, pairId: string): Promise<ChildPass> {
  return runPassChild<ChildPass>({
    PAIL_BENCH_MODE: 'pail',
    PAIL_BENCH_HOME: home,
    PAIL_BENCH_PAIR: pairId,
    PAIL_BENCH_WEB_URL: ctx.info.webUrl,
    PAIL_BENCH_API_URL: ctx.info.apiUrl,
  })
}
