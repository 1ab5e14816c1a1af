import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createLiveValue } from '../../../renderer/lib/live-value.js'
import { fail, ok, type Result } from '../../../shared/result.js'

/** A source whose loads the test answers one by one, and whose pushes it makes. */
function source<T>() {
  const loads: ((result: Result<T>) => void)[] = []
  let push: ((value: T) => void) | null = null
  let listening = 0
  return {
    source: {
      load: () => new Promise<Result<T>>((resolve) => loads.push(resolve)),
      listen: (p: (value: T) => void) => {
        listening++
        push = p
        return () => {
          listening--
          push = null
        }
      },
    },
    answer: (i: number, result: Result<T>) => loads[i]!(result),
    push: (value: T) => push!(value),
    get loads() {
      return loads.length
    },
    get listening() {
      return listening
    },
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

test('starting listens first, then loads; the answer becomes the value and watchers hear it', async () => {
  const s = source<number>()
  const live = createLiveValue(s.source)
  let heard = 0
  live.subscribe(() => heard++)
  assert.deepEqual(live.get(), { status: 'loading' })
  live.start()
  assert.equal(s.listening, 1)
  assert.equal(s.loads, 1)
  s.answer(0, ok(7))
  await tick()
  assert.deepEqual(live.get(), { status: 'ready', value: 7 })
  assert.equal(heard, 1)
})

test('a value pushed while a load is on its way wins over that older answer', async () => {
  const s = source<string>()
  const live = createLiveValue(s.source)
  live.start()
  s.push('pushed')
  s.answer(0, ok('stale answer'))
  await tick()
  assert.deepEqual(live.get(), { status: 'ready', value: 'pushed' })
})

test('a failed first load shows the error; a failed reload keeps the value shown', async () => {
  const s = source<number>()
  const live = createLiveValue(s.source)
  live.start()
  s.answer(0, fail({ code: 'x', message: 'Pail is not answering.' }))
  await tick()
  assert.deepEqual(live.get(), { status: 'failed', error: { code: 'x', message: 'Pail is not answering.' } })
  const again = live.reload()
  s.answer(1, ok(3))
  await again
  const later = live.reload()
  s.answer(2, fail({ code: 'x', message: 'Pail is not answering.' }))
  await later
  assert.deepEqual(live.get(), { status: 'ready', value: 3 })
})

test('start is once: a second start neither listens nor loads again; stopping stops listening', () => {
  const s = source<number>()
  const live = createLiveValue(s.source)
  live.start()
  const stop = live.start()
  assert.equal(s.listening, 1)
  assert.equal(s.loads, 1)
  stop()
  assert.equal(s.listening, 0)
})

test('set takes a value an action answered, like a push', async () => {
  const s = source<number>()
  const live = createLiveValue(s.source)
  live.start()
  live.set(42)
  s.answer(0, ok(1))
  await tick()
  assert.deepEqual(live.get(), { status: 'ready', value: 42 })
})
