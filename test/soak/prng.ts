/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) for the soak
 * schedules. Hand-rolled rather than fast-check's generators: a schedule must come out the same
 * from its seed in every version of this file's dependencies (fast-check documents no stability
 * of its streams across releases), and shrinking — fast-check's strength — would mean re-running
 * schedules that take seconds each against the emulator, so it buys nothing here.
 */

/** splitmix32: spreads a 32-bit seed so nearby seeds give unrelated streams. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

/** The seed of schedule `index` of a run seeded with `runSeed`. */
export function scheduleSeed(runSeed: number, index: number): number {
  const mix = splitmix32((runSeed ^ Math.imul(index + 1, 0x27d4eb2d)) >>> 0)
  mix()
  return mix()
}

/** A 32-bit hash of a string (FNV-1a), for seeding content from its tag. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0
  return hash
}

/** A deterministic stream of random choices. */
export class Random {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    const mix = splitmix32(seed)
    this.a = mix()
    this.b = mix()
    this.c = mix()
    this.d = mix()
    for (let i = 0; i < 12; i++) this.next()
  }

  /** A uniform 32-bit unsigned integer (sfc32). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0
    this.c = (this.c + t) >>> 0
    return t
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 0x1_0000_0000
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1))
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[Math.floor(this.float() * items.length)]!
  }

  /** One key of `weights`, with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][]
    const total = entries.reduce((sum, [, w]) => sum + Math.max(0, w), 0)
    let roll = this.float() * total
    for (const [key, weight] of entries) {
      roll -= Math.max(0, weight)
      if (roll < 0) return key
    }
    return entries.at(-1)![0]
  }

  /** Fills `buffer` with random bytes. */
  fill(buffer: Buffer): Buffer {
    for (let i = 0; i < buffer.length; i += 4) {
      const word = this.next()
      for (let j = 0; j < 4 && i + j < buffer.length; j++) buffer[i + j] = (word >>> (8 * j)) & 0xff
    }
    return buffer
  }
}
