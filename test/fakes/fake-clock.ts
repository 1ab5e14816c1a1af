/**
 * A clock that moves only when told.
 */
import type { Clock } from '../../main/core/ports.js'

export class FakeClock implements Clock {
  constructor(private time = Date.parse('2026-11-23T12:00:00Z')) {}

  now(): number {
    return this.time
  }

  advance(ms: number): void {
    this.time += ms
  }
}
