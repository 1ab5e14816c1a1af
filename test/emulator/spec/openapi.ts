/**
 * Atlassian's OpenAPI description of Bitbucket Cloud (bitbucket-api.md §7), read from
 * `../shared/bitbucket-openapi.json` beside the checkout. The document is Atlassian's and is never
 * copied into the project: on a fresh clone it is absent, and the tests that need it report
 * themselves as skipped, never as passed.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

/** The checkout's root (this file is test/emulator/spec/openapi.ts). */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))

/** Where the spec is looked for: beside the checkout, as bitbucket-api.md §7 keeps it. */
export const specFile = join(repoRoot, '..', 'shared', 'bitbucket-openapi.json')

/** bitbucket-api.md, whose lines the spec-defect exceptions quote. */
export const apiNotesFile = join(repoRoot, '..', 'shared', 'bitbucket-api.md')

/** The skip message when the spec is absent. */
export const SPEC_MISSING = '../shared/bitbucket-openapi.json not found beside the checkout: schema checks did not run'

/** The parts of an OpenAPI operation the checks read. */
export interface OpenApiOperation {
  security?: Record<string, string[]>[]
  'x-atlassian-oauth2-scopes'?: { scheme: string; state: string; scopes: string[] }[]
  responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>
}

/** The parts of the OpenAPI document the checks read. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>
  components: { schemas: Record<string, unknown> }
}

/** The parsed spec, or null when the file is not there. */
export function loadSpec(): OpenApiDocument | null {
  let text: string
  try {
    text = readFileSync(specFile, 'utf8')
  } catch {
    return null
  }
  return JSON.parse(text) as OpenApiDocument
}

/** The spec for a test, or null after marking the test skipped with SPEC_MISSING. */
export function specOrSkip(t: TestContext): OpenApiDocument | null {
  const spec = loadSpec()
  if (!spec) t.skip(SPEC_MISSING)
  return spec
}

/** The operation at `path` (the spec's template, without `/2.0`), or undefined. */
export function specOperation(spec: OpenApiDocument, method: string, path: string): OpenApiOperation | undefined {
  return spec.paths[path]?.[method.toLowerCase()]
}

const DOCUMENT_ID = 'bitbucket-openapi'

// ajv-formats is CommonJS: under NodeNext its default import is the module object or the plugin itself.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv

/**
 * JSON-schema validation against the spec's components. The components are registered as one
 * document, so `$ref: '#/components/schemas/…'` resolves inside it; OpenAPI 3.0's `nullable` is
 * understood by Ajv, and OpenAPI-only keywords (`discriminator`, `example`, `x-…`) are ignored.
 */
export class SpecValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, verbose: true, logger: false })
  private readonly compiled = new Map<string, ValidateFunction>()

  constructor(private readonly spec: OpenApiDocument) {
    addFormats(this.ajv)
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: spec.components })
  }

  /** The component name of the JSON schema an operation documents for `status`, or null. */
  responseSchemaName(method: string, path: string, status: number): string | null {
    const schema = specOperation(this.spec, method, path)?.responses?.[String(status)]?.content?.['application/json']
      ?.schema
    const ref = typeof schema?.$ref === 'string' ? schema.$ref : null
    return ref?.startsWith('#/components/schemas/') ? ref.slice('#/components/schemas/'.length) : null
  }

  /** Every Ajv error of `data` against component `name` (verbose: each error carries the offending `data`). */
  errors(name: string, data: unknown): ErrorObject[] {
    let validate = this.compiled.get(name)
    if (!validate) {
      if (!(name in this.spec.components.schemas)) throw new Error(`The spec has no schema "${name}"`)
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#/components/schemas/${name}` })
      this.compiled.set(name, validate)
    }
    return validate(data) ? [] : [...(validate.errors ?? [])]
  }
}
