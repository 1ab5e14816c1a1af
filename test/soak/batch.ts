/**
 * Runs a batch of schedules of one run seed against one shared emulator, a few at a time.
 */
import pLimit from 'p-limit'
import { generateSchedule, type GeneratorOptions } from './generator.js'
import { runSchedule, type RunOptions, type ScheduleResult } from './schedule-run.js'
import type { SoakEmulator } from './soak-emulator.js'

export interface BatchOptions extends RunOptions {
  runSeed: number
  /** Schedule indices to run. */
  indices: readonly number[]
  sizes: GeneratorOptions
  /** Schedules at once (2 suits CI's two cores). */
  concurrency: number
  onResult?: (result: ScheduleResult) => void
}

export async function runBatch(emu: SoakEmulator, options: BatchOptions): Promise<ScheduleResult[]> {
  const limit = pLimit(options.concurrency)
  return Promise.all(
    options.indices.map((index) =>
      limit(async () => {
        const result = await runSchedule(emu, generateSchedule(options.runSeed, index, options.sizes), options)
        options.onResult?.(result)
        return result
      }),
    ),
  )
}
