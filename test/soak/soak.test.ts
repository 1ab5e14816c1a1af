/**
 * The soak in `npm test`: 50 seeded schedules (two at a time, on one emulator), each a test of
 * its own named after its seed; a failure prints the failed checks, the steps and what came of
 * them, and the one command that replays it. PAIL_SOAK_SEED and PAIL_SOAK_COUNT change the run.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { generateSchedule, SCHEDULE_SIZES } from './generator.js'
import { scheduleSeed } from './prng.js'
import { formatFailure } from './report.js'
import { runSchedule } from './schedule-run.js'
import { startSoakEmulator, type SoakEmulator } from './soak-emulator.js'

const RUN_SEED = Number(process.env.PAIL_SOAK_SEED ?? 20261201)
const COUNT = Number(process.env.PAIL_SOAK_COUNT ?? 50)

describe(`soak: ${COUNT} seeded schedules of run ${RUN_SEED}`, { concurrency: 2 }, () => {
  let emu: SoakEmulator
  before(async () => {
    emu = await startSoakEmulator()
  })
  after(() => emu.stop())
  for (let index = 0; index < COUNT; index++) {
    test(`schedule ${index} (seed ${scheduleSeed(RUN_SEED, index)})`, async () => {
      const result = await runSchedule(emu, generateSchedule(RUN_SEED, index, SCHEDULE_SIZES))
      if (result.failures.length > 0) assert.fail(formatFailure(result, RUN_SEED))
    })
  }
})
