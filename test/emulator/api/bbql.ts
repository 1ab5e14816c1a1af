/**
 * BBQL, the `q=` filter language of Bitbucket's paginated collections, and `sort=`
 * (bitbucket-api.md §4.2, [SPEC-FILTER]): comparisons `= != ~ !~ > >= < <=`, `IN` / `NOT IN`,
 * `AND` / `OR` (any case) with parentheses, string / number / boolean / null / unquoted
 * ISO-8601 datetime literals, and dotted field paths that traverse embedded objects and lists.
 * Queries are evaluated against the JSON objects the endpoint returns, so every field of the
 * serialized value can be filtered on, as [SPEC-FILTER] says ("every element in an object's
 * JSON document schema can be used").
 */

/** A malformed `q` or `sort`; the listing turns it into a 400 envelope. */
export class BbqlError extends Error {}

type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; value: number; text: string }

type Operator = '=' | '!=' | '~' | '!~' | '>' | '>=' | '<' | '<='

export type BbqlExpression =
  | { kind: 'and' | 'or'; left: BbqlExpression; right: BbqlExpression }
  | { kind: 'compare'; field: string; op: Operator; value: Literal }
  | { kind: 'in'; field: string; negated: boolean; values: Literal[] }

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'number'; text: string; at: number }
  | { kind: 'datetime'; text: string; at: number }
  | { kind: 'op'; text: Operator; at: number }
  | { kind: 'punct'; text: '(' | ')' | ','; at: number }

const DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?/
const NUMBER = /^-?\d+(?:\.\d+)?(?![\w.:-])/
const WORD = /^[A-Za-z_][\w.]*/
const OPERATORS: readonly Operator[] = ['!=', '!~', '>=', '<=', '=', '~', '>', '<']

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const rest = text.slice(i)
    const space = /^\s+/.exec(rest)
    if (space) {
      i += space[0].length
      continue
    }
    const ch = rest[0]!
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch, at: i })
      i++
      continue
    }
    if (ch === '"') {
      let value = ''
      let j = i + 1
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length) j++
        value += text[j]
      }
      if (j >= text.length) throw new BbqlError(`Unterminated string starting at position ${i}`)
      tokens.push({ kind: 'string', text: value, at: i })
      i = j + 1
      continue
    }
    const op = OPERATORS.find((o) => rest.startsWith(o))
    if (op) {
      tokens.push({ kind: 'op', text: op, at: i })
      i += op.length
      continue
    }
    // A datetime is tried before a number: `2015-10-04` would otherwise read as 2015.
    const datetime = DATETIME.exec(rest)
    if (datetime && /^\d{4}-/.test(rest)) {
      tokens.push({ kind: 'datetime', text: datetime[0], at: i })
      i += datetime[0].length
      continue
    }
    const number = NUMBER.exec(rest)
    if (number) {
      tokens.push({ kind: 'number', text: number[0], at: i })
      i += number[0].length
      continue
    }
    const word = WORD.exec(rest)
    if (word) {
      tokens.push({ kind: 'word', text: word[0], at: i })
      i += word[0].length
      continue
    }
    throw new BbqlError(`Unexpected character "${ch}" at position ${i}`)
  }
  return tokens
}

/** Recursive-descent parser over the token list. */
class Parser {
  private pos = 0

  constructor(private readonly tokens: Token[]) {}

  parse(): BbqlExpression {
    if (this.tokens.length === 0) throw new BbqlError('Empty query')
    const expr = this.or()
    const extra = this.tokens[this.pos]
    if (extra) throw new BbqlError(`Unexpected "${extra.text}" at position ${extra.at}`)
    return expr
  }

  private peekKeyword(word: string): boolean {
    const token = this.tokens[this.pos]
    return token?.kind === 'word' && token.text.toUpperCase() === word
  }

  private or(): BbqlExpression {
    let left = this.and()
    while (this.peekKeyword('OR')) {
      this.pos++
      left = { kind: 'or', left, right: this.and() }
    }
    return left
  }

  private and(): BbqlExpression {
    let left = this.primary()
    while (this.peekKeyword('AND')) {
      this.pos++
      left = { kind: 'and', left, right: this.primary() }
    }
    return left
  }

  private primary(): BbqlExpression {
    const token = this.next('a field name or "("')
    if (token.kind === 'punct' && token.text === '(') {
      const inner = this.or()
      this.expectPunct(')')
      return inner
    }
    if (token.kind !== 'word' || ['AND', 'OR', 'IN', 'NOT'].includes(token.text.toUpperCase()))
      throw new BbqlError(`Expected a field name at position ${token.at}`)
    const field = token.text
    if (this.peekKeyword('NOT') || this.peekKeyword('IN')) {
      const negated = this.peekKeyword('NOT')
      this.pos += negated ? 1 : 0
      if (!this.peekKeyword('IN'))
        throw new BbqlError(`Expected IN after NOT at position ${this.tokens[this.pos]?.at ?? 'end'}`)
      this.pos++
      this.expectPunct('(')
      const values = [this.literal()]
      while (this.tokens[this.pos]?.kind === 'punct' && this.tokens[this.pos]!.text === ',') {
        this.pos++
        values.push(this.literal())
      }
      this.expectPunct(')')
      return { kind: 'in', field, negated, values }
    }
    const op = this.next('an operator')
    if (op.kind !== 'op') throw new BbqlError(`Expected an operator after "${field}" at position ${op.at}`)
    return { kind: 'compare', field, op: op.text, value: this.literal() }
  }

  private literal(): Literal {
    const token = this.next('a value')
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.text }
      case 'number':
        return { kind: 'number', value: Number(token.text) }
      case 'datetime': {
        // [SPEC-FILTER]: "Date time strings are assumed to be in UTC, unless an explicit timezone offset is provided".
        const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(token.text) && token.text.includes('T')
        const value = Date.parse(hasZone ? token.text : `${token.text}${token.text.includes('T') ? '' : 'T00:00:00'}Z`)
        if (Number.isNaN(value)) throw new BbqlError(`Invalid datetime "${token.text}"`)
        return { kind: 'datetime', value, text: token.text }
      }
      case 'word': {
        const word = token.text.toLowerCase()
        if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' }
        if (word === 'null') return { kind: 'null' }
        throw new BbqlError(`Expected a value at position ${token.at}, found "${token.text}"`)
      }
      default:
        throw new BbqlError(`Expected a value at position ${token.at}`)
    }
  }

  private next(what: string): Token {
    const token = this.tokens[this.pos++]
    if (!token) throw new BbqlError(`Expected ${what} at the end of the query`)
    return token
  }

  private expectPunct(text: '(' | ')'): void {
    const token = this.next(`"${text}"`)
    if (token.kind !== 'punct' || token.text !== text) throw new BbqlError(`Expected "${text}" at position ${token.at}`)
  }
}

/** Parses a `q=` expression; throws BbqlError when it is not valid BBQL. */
export function parseBbql(text: string): BbqlExpression {
  return new Parser(tokenize(text)).parse()
}

/** Per-endpoint knowledge the generic evaluator needs. */
export interface FieldOptions {
  /** Shorthand field names, e.g. `/user/workspaces` filters and sorts by `slug` meaning `workspace.slug`. */
  aliases?: Record<string, string>
  /** Enumerations compared by rank, not text (`permission > "read"` means write or admin, §4.5). */
  orderings?: Record<string, readonly string[]>
  /** Fields sorted naturally ("branch2" before "branch10"), as branch `name` is (§4.6). */
  naturalSort?: readonly string[]
}

/** Every value at a dotted path; lists are traversed so `attributes = "binary"` tests any element. */
export function fieldValues(item: unknown, path: string, options: FieldOptions = {}): unknown[] {
  const resolved = options.aliases?.[path] ?? path
  let current: unknown[] = [item]
  for (const key of resolved.split('.')) {
    const next: unknown[] = []
    for (const value of current) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue
      const child = (value as Record<string, unknown>)[key]
      if (Array.isArray(child)) next.push(...child)
      else next.push(child)
    }
    current = next
  }
  return current
}

function asTime(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null
  const time = Date.parse(value)
  return Number.isNaN(time) ? null : time
}

/** -1/0/1, or null when the value and the literal cannot be ordered against each other. */
function order(value: unknown, literal: Literal, ranking: readonly string[] | undefined): number | null {
  const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0)
  if (literal.kind === 'datetime') {
    const time = asTime(value)
    return time === null ? null : sign(time - literal.value)
  }
  if (literal.kind === 'number' && typeof value === 'number') return sign(value - literal.value)
  if (literal.kind === 'string' && typeof value === 'string') {
    if (ranking && ranking.includes(value) && ranking.includes(literal.value))
      return sign(ranking.indexOf(value) - ranking.indexOf(literal.value))
    return value < literal.value ? -1 : value > literal.value ? 1 : 0
  }
  return null
}

function equals(value: unknown, literal: Literal): boolean {
  switch (literal.kind) {
    case 'null':
      return value === null || value === undefined
    case 'datetime':
      return asTime(value) === literal.value
    default:
      return value === literal.value
  }
}

function compareOne(
  values: unknown[],
  op: Operator,
  literal: Literal,
  ranking: readonly string[] | undefined,
): boolean {
  // A missing field is null; an empty list has no element to match.
  const candidates = values.length === 0 && literal.kind === 'null' ? [null] : values
  const contains = (v: unknown): boolean =>
    literal.kind === 'string' && typeof v === 'string' && v.toLowerCase().includes(literal.value.toLowerCase())
  switch (op) {
    case '=':
      return candidates.some((v) => equals(v, literal))
    case '!=':
      return !candidates.some((v) => equals(v, literal))
    case '~':
      return candidates.some(contains)
    case '!~':
      return !candidates.some(contains)
    default: {
      const test = {
        '>': (n: number) => n > 0,
        '>=': (n: number) => n >= 0,
        '<': (n: number) => n < 0,
        '<=': (n: number) => n <= 0,
      }[op]
      return candidates.some((v) => {
        const result = order(v, literal, ranking)
        return result !== null && test(result)
      })
    }
  }
}

/** Whether `item` satisfies the expression. */
export function matchesBbql(expr: BbqlExpression, item: unknown, options: FieldOptions = {}): boolean {
  switch (expr.kind) {
    case 'and':
      return matchesBbql(expr.left, item, options) && matchesBbql(expr.right, item, options)
    case 'or':
      return matchesBbql(expr.left, item, options) || matchesBbql(expr.right, item, options)
    case 'compare':
      return compareOne(
        fieldValues(item, expr.field, options),
        expr.op,
        expr.value,
        options.orderings?.[options.aliases?.[expr.field] ?? expr.field],
      )
    case 'in': {
      const values = fieldValues(item, expr.field, options)
      const hit = expr.values.some((literal) => compareOne(values, '=', literal, undefined))
      return expr.negated ? !hit : hit
    }
  }
}

/** Natural order: digit runs compare as numbers ("v9" < "v10"). */
export function naturalCompare(a: string, b: string): number {
  const split = (s: string): string[] => s.match(/\d+|\D+/g) ?? []
  const left = split(a)
  const right = split(b)
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]!
    const y = right[i]!
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const diff = Number(x) - Number(y) || x.length - y.length
      if (diff !== 0) return diff
    } else if (x !== y) return x < y ? -1 : 1
  }
  return left.length - right.length
}

/** Parses `sort=` (one field, `-` for descending; [SPEC-FILTER] "Only one field can be sorted on"). */
export function parseSort(text: string): { field: string; descending: boolean } {
  const match = /^(-)?([A-Za-z_][\w.]*)$/.exec(text.trim())
  if (!match) throw new BbqlError(`Invalid sort field "${text}"`)
  return { field: match[2]!, descending: match[1] === '-' }
}

/**
 * Sorts a copy of `items` by one field. Values missing on an item go last in either direction:
 * Bitbucket's placement of nulls is not documented, so the emulator keeps the present values
 * together in the order asked for.
 */
export function sortItems<T>(
  items: readonly T[],
  sort: { field: string; descending: boolean },
  options: FieldOptions = {},
): T[] {
  const field = options.aliases?.[sort.field] ?? sort.field
  const ranking = options.orderings?.[field]
  const natural = options.naturalSort?.includes(field) ?? false
  const key = (item: T): unknown => fieldValues(item, field).find((v) => v !== null && v !== undefined) ?? null
  const compare = (a: unknown, b: unknown): number => {
    if (typeof a === 'number' && typeof b === 'number') return a - b
    if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
    const x = String(a)
    const y = String(b)
    if (ranking && ranking.includes(x) && ranking.includes(y)) return ranking.indexOf(x) - ranking.indexOf(y)
    if (natural) return naturalCompare(x, y)
    return x < y ? -1 : x > y ? 1 : 0
  }
  return [...items].sort((p, q) => {
    const a = key(p)
    const b = key(q)
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
    const result = compare(a, b)
    return sort.descending ? -result : result
  })
}
