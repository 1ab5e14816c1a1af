/**
 * The few places where Bitbucket's real responses, which the emulator copies, break
 * Atlassian's own schemas. Each exception names the evidence; `docLine` is text that must
 * appear in ../shared/bitbucket-api.md (the test checks it), so an exception points at the note
 * that documents it. Anything not listed here fails the schema tests, and an exception that
 * no response needs any more fails them too.
 */
import type { ErrorObject } from 'ajv'

export interface SpecDefect {
  id: string
  /** What the spec says against what Bitbucket sends. */
  description: string
  /**
   * A verbatim excerpt of bitbucket-api.md documenting the defect, or null where the notes do
   * not cover it yet (then `description` names the evidence, and the report asks for a §7 entry).
   */
  docLine: string | null
  /** Whether an Ajv error is this defect. */
  matches(error: ErrorObject): boolean
}

export const specDefects: readonly SpecDefect[] = [
  {
    id: 'commit_file.attributes is a list',
    description:
      "[SPEC] types `commit_file.attributes` as one string of an enum; Bitbucket (and the spec's own example) returns a list.",
    docLine: '2. `commit_file.attributes` is typed as a string but returned as an array.',
    matches: (e) => /(^|\/)attributes$/.test(e.instancePath) && (e.keyword === 'type' || e.keyword === 'enum'),
  },
  {
    id: 'error.detail of the privilege-scope 403 is an object',
    description:
      'The 403 for missing scopes carries `detail: {required: [...], granted: [...]}` (SonarQube BitbucketCloudRestClientTest ' +
      'fixture; several clients read `error.detail.required`), while [SPEC] `error.detail` is a string.',
    docLine:
      '[SPEC] schema `error`: `type` required, and `error.additionalProperties: false` with `message`, `detail`, `data`.',
    matches: (e) => e.instancePath === '/error/detail' && e.keyword === 'type',
  },
  {
    id: 'repository.links has branches, tags and source',
    description:
      '[SPEC] closes `repository.links` (additionalProperties: false) without `branches`, `tags` or `source`; its own ' +
      '[SPEC-URI] repository example has `branches` and `tags`, the recorded jenkins payload all three.',
    docLine: '`links` (`clone[]` with `https`/`ssh` hrefs, `branches`, `commits`, …)',
    matches: (e) =>
      /(^|\/)links$/.test(e.instancePath) &&
      e.keyword === 'additionalProperties' &&
      ['branches', 'tags', 'source'].includes(String(e.params.additionalProperty)),
  },
  {
    id: 'commit.summary has type "rendered"',
    description:
      '[SPEC] closes `base_commit.summary` to raw/markup/html, yet its own `GET …/commit/{commit}` example and the recorded ' +
      'jenkins commit payloads carry `summary.type: "rendered"`.',
    docLine: null,
    matches: (e) =>
      /(^|\/)summary$/.test(e.instancePath) &&
      e.keyword === 'additionalProperties' &&
      e.params.additionalProperty === 'type',
  },
  {
    id: 'diffstat.old and diffstat.new are null for an added or removed path',
    description:
      '[SPEC] types `diffstat.old` / `diffstat.new` as a (non-nullable) `commit_file`, yet an added path has `"old": null` ' +
      '(and a removed one `"new": null`): runatlantis/atlantis test `TestClient_GetModifiedFilesOldNil` ' +
      '(server/events/vcs) feeds its Bitbucket Cloud client ' +
      'a pull-request diffstat (same `diffstat` schema) with `{"status": "added", "old": null, …}`. bitbucket-api.md has no diffstat section yet.',
    docLine: null,
    matches: (e) => /^\/values\/\d+\/(old|new)$/.test(e.instancePath) && e.keyword === 'type' && e.data === null,
  },
  {
    id: 'mainbranch is null for an empty repository',
    description:
      "UNCONFIRMED: an empty repository's `mainbranch` (settings.emptyRepositoryMainbranch, default null as OpenHands PR " +
      '#14085 reports for "empty / uninitialized repos"); [SPEC] types it as a non-nullable branch object.',
    docLine: null,
    matches: (e) => /(^|\/)mainbranch$/.test(e.instancePath) && e.keyword === 'type' && e.data === null,
  },
]

/**
 * Responses whose documented 200 schema cannot describe them: `GET …/src/{commit}/{path}` lists
 * only `paginated_treeentries`, but `?format=meta` answers one object (§4.7 "gives the JSON
 * object"): a `commit_file` for a file, a bare tree entry for a directory.
 */
export const metaSchemas = {
  file: 'commit_file',
  directory: 'treeentry',
  docLine: '**`?format=meta`** on a file gives the JSON object:',
} as const

/** The errors no exception explains; records which exceptions were used in `used`. */
export function unexplained(errors: readonly ErrorObject[], used: Set<string>): ErrorObject[] {
  return errors.filter((error) => {
    const defect = specDefects.find((d) => d.matches(error))
    if (defect) used.add(defect.id)
    return !defect
  })
}
