/**
 * The schedule generator: a seed gives the same schedule every time (so a replay line replays
 * it), different seeds give different ones, every step prints as words, and no name a schedule
 * uses is one Pail ignores by default (the oracle expects every such file on the branch).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateSchedule, SCHEDULE_SIZES } from './generator.js'
import { DIR_NAMES, FILE_NAMES, LINE_BREAK_NAME } from './names.js'
import { PailUnderTest } from './pail-under-test.js'
import { describeStep, isLocalStep, type Step } from './steps.js'

test('the same run seed and index give the same schedule; others give other schedules', () => {
  const a = generateSchedule(424242, 7, SCHEDULE_SIZES)
  assert.deepEqual(generateSchedule(424242, 7, SCHEDULE_SIZES), a)
  assert.notDeepEqual(generateSchedule(424242, 8, SCHEDULE_SIZES).steps, a.steps)
  assert.notDeepEqual(generateSchedule(424243, 7, SCHEDULE_SIZES).steps, a.steps)
  assert.notEqual(generateSchedule(424242, 8, SCHEDULE_SIZES).seed, a.seed)
})

test('schedules open with the branch’s first files and a pass, and stay within their size', () => {
  for (let i = 0; i < 200; i++) {
    const { steps } = generateSchedule(99, i, SCHEDULE_SIZES)
    assert.equal(steps[0]!.op, 'remote-commit')
    assert.ok(
      steps.some((s, n) => s.op === 'pass' && n <= 4),
      'a pass near the start',
    )
    assert.ok(
      steps.length >= SCHEDULE_SIZES.minSteps && steps.length <= SCHEDULE_SIZES.maxSteps + 4,
      `${steps.length} steps`,
    )
  }
})

test('over many schedules every kind of step appears, and each prints as words', () => {
  const ops = new Set<string>()
  const seen = (step: Step): void => {
    ops.add(step.op === 'fault' ? `fault:${step.fault}` : step.op === 'kill' ? `kill:${step.moment.at}` : step.op)
    const text = describeStep(step)
    assert.ok(text.length > 5 && !/undefined|NaN|\[object/.test(text), text)
    if (step.op === 'pass-during') step.steps.forEach(seen)
  }
  for (let i = 0; i < 300; i++) generateSchedule(5, i, SCHEDULE_SIZES).steps.forEach(seen)
  const expected = [
    'write',
    'append',
    'truncate',
    'delete',
    'rename',
    'burst',
    'link',
    'chmod',
    'file-to-folder',
    'folder-to-file',
    'folder-to-link',
    'remote-commit',
    'remote-push',
    'delete-branch',
    'create-branch',
    'fault:status',
    'fault:drop',
    'fault:cut',
    'fault:rate-limit',
    'fault:delay',
    'fault:refuse-token',
    'expire-tokens',
    'revoke-tokens',
    'pass',
    'pass-during',
    'kill:request',
    'kill:after-commit',
    'kill:timer',
  ]
  assert.deepEqual(
    expected.filter((op) => !ops.has(op)),
    [],
  )
})

test('no name a schedule uses is ignored by Pail by default', () => {
  const names = new Set<string>([...FILE_NAMES, ...DIR_NAMES, LINE_BREAK_NAME])
  for (let i = 0; i < 300; i++)
    for (const step of generateSchedule(11, i, SCHEDULE_SIZES).steps) {
      const local = step.op === 'pass-during' ? step.steps : isLocalStep(step) ? [step] : []
      for (const s of local) {
        if (s.op === 'burst') names.add(`${s.tag} 0.txt`)
        for (const path of s.op === 'rename' ? [s.from, s.to] : s.op === 'burst' ? [s.dir] : [s.path])
          for (const part of path.split('/')) names.add(part)
      }
    }
  const ignored = [...names].filter((name) => PailUnderTest.isIgnoredByDefault(name))
  assert.deepEqual(ignored, [])
})

test('no commit of another user names a file and a folder of the same name (git could keep only one)', () => {
  // Schedule 120 of soak run 844994484 (seed 3279591431) once committed "deep" and "deep/…" together.
  const schedules = [generateSchedule(844994484, 120, SCHEDULE_SIZES)]
  for (let i = 0; i < 300; i++) schedules.push(generateSchedule(1, i, SCHEDULE_SIZES))
  assert.equal(schedules[0]!.seed, 3279591431)
  for (const { seed, steps } of schedules) {
    for (const step of steps) {
      if (step.op !== 'remote-commit') continue
      const paths = Object.keys(step.files)
      for (const path of paths)
        assert.ok(!paths.some((other) => other.startsWith(`${path}/`)), `seed ${seed}: ${path} and a file under it`)
    }
  }
})
