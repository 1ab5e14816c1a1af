/**
 * Simulated time for the office: timers fire in time order, and the clock moves on only once
 * every piece of work the last timers started (passes, saves, with their real HTTP requests to the
 * emulator and real file I/O) has finished. Work itself takes no simulated time: a figure measured
 * here is what the schedule decides (polls, back-offs), not how fast this machine is.
 *
 * Timers due within `quantumMs` of the earliest are fired together (in order, the clock moving to
 * each one's time as it fires), so that their work overlaps as it would across an office's
 * computers; what is measured is then exact to that quantum.
 */
import type { Timers } from '../../main/core/sync/local/dirty-tracker.js'

interface Timer {
  at: number
  seq: number
  fn: () => void
}

export class VirtualClock implements Timers {
  private time: number
  private seq = 0
  private timers: Timer[] = []
  private busy = 0
  private idle: (() => void)[] = []

  constructor(
    private readonly quantumMs = 0,
    start = Date.parse('2026-12-01T09:00:00Z'),
  ) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn }
    this.timers.push(timer)
    return () => {
      this.timers = this.timers.filter((t) => t !== timer)
    }
  }

  /** Runs `work` as part of the current instant: the clock waits for it before moving on. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.busy++
    try {
      return await work()
    } finally {
      if (--this.busy === 0) for (const wake of this.idle.splice(0)) wake()
    }
  }

  /** Fires every timer due up to `end`, in order, waiting for the work of each instant to end. */
  async runUntil(end: number): Promise<void> {
    for (;;) {
      await this.settled()
      if (this.timers.length === 0) break
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
      const first = this.timers[0]!.at
      if (first > end) break
      const until = Math.min(end, first + this.quantumMs)
      while (this.timers.length > 0 && this.timers[0]!.at <= until) {
        const next = this.timers.shift()!
        this.time = Math.max(this.time, next.at)
        next.fn()
      }
    }
    this.time = Math.max(this.time, end)
  }

  /** Until no tracked work runs and the promise chains after it (a scheduler re-arming) have run. */
  private async settled(): Promise<void> {
    for (let quiet = 0; quiet < 3;) {
      if (this.busy > 0) {
        await new Promise<void>((resolve) => this.idle.push(resolve))
        quiet = 0
      } else {
        await new Promise((resolve) => setImmediate(resolve))
        quiet++
      }
    }
  }
}
