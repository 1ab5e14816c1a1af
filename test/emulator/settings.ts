/**
 * Behaviour switches of the Bitbucket Cloud emulator.
 *
 * Every point that ../shared/bitbucket-api.md marks UNCONFIRMED is a setting here, with the
 * section of that document in the comment, so a test can exercise both possibilities and the
 * default can change the day Bitbucket's behaviour is settled.
 */
export interface EmulatorSettings {
  /** `expires_in` of access tokens, seconds. §1.5: observed 7200, documented 3600. */
  accessTokenLifetimeSeconds: number
  /** Name of the scope field in token responses. Since May 2026 `scope` (changes in force); legacy `scopes`. */
  tokenScopeField: 'scope' | 'scopes'
  /** UNCONFIRMED §1.4: how several scopes are joined in the token response. */
  tokenScopeSeparator: ' ' | ','
  /** How long an old refresh token keeps working after its first use, seconds (§1.5, "~10 minutes"). */
  refreshTokenGraceSeconds: number
  /** A refresh token never used expires after this many seconds (§1.5, "3 months"). */
  refreshTokenUnusedLifetimeSeconds: number
  /** Authorization codes live this long, seconds. UNCONFIRMED (RFC 6749 §4.1.2 recommends ≤ 10 min). */
  authorizationCodeLifetimeSeconds: number
  /** Length of issued access and refresh tokens; §1.4: "regularly exceeding 2500 characters". */
  tokenLength: number
  /** UNCONFIRMED §1.7: whether a sent PKCE verifier is checked. 'verify' rejects a wrong one. */
  pkce: 'verify' | 'accept'
  /** UNCONFIRMED §1.3: whether `redirect_uri` must be repeated, identical, at the code exchange. */
  requireRedirectUriAtExchange: boolean
  /** UNCONFIRMED §1.2: whether a `scope` parameter at authorize narrows the consumer's scopes. */
  narrowScopesToRequest: boolean
  /** UNCONFIRMED §1.2: the `error` value sent to the callback when the user clicks Deny. */
  denyErrorCode: string
  /** UNCONFIRMED §1.1: whether `POST /site/oauth2/revoke` exists. */
  revokeEndpoint: boolean
  /** UNCONFIRMED §1.7: whether `code_challenge_method=plain` (RFC 7636 §4.2, and a challenge sent without a method) is taken. */
  pkcePlainMethod: boolean
  /** UNCONFIRMED §1.3: whether the token endpoint insists on a client secret (false: `client_id` alone, for a code or refresh grant). */
  requireClientSecret: boolean
  /** UNCONFIRMED §1.4: whether a client_credentials token response carries a `refresh_token`. */
  clientCredentialsRefreshToken: boolean
  /** UNCONFIRMED §1.4: whether `state` (the grant type) is in the responses of grants other than authorization_code. */
  tokenStateOnEveryGrant: boolean
  /**
   * §1.6/§1.8: "No callback uri defined" was observed on the client_credentials grant too (composer PR #5335,
   * soba #50): every consumer must have one (§1.8). Seeded and minted consumers have one; false relaxes it.
   */
  callbackUrlRequiredForAllGrants: boolean
  /**
   * UNCONFIRMED §1.8: 'string-prefix' is the documented rule; 'loopback-any-port' lets a loopback callback
   * registered without a port take any port (RFC 8252 §7.3), as one third-party guide claims.
   */
  redirectUriMatch: 'string-prefix' | 'loopback-any-port'
  /**
   * UNCONFIRMED §1.8: what `GET /site/oauth2/authorize` answers a visitor with no Bitbucket session
   * (no cookie; `pail admin check` asking whether the callback URL is accepted). 'checks-request':
   * the same as a signed-in visitor (the "Invalid redirect_uri" page, or the consent page of the
   * emulator's always-signed-in user). 'sign-in-first': a redirect to the sign-in page before
   * anything is checked, so the callback URL cannot be told from outside.
   */
  authorizeWithoutSession: 'checks-request' | 'sign-in-first'
  /** UNCONFIRMED §1.3: the status of the HTML page answered to `Authorization: Bearer` at the token endpoint. */
  tokenEndpointBearerStatus: number
  /** UNCONFIRMED §1.1: whether an `access_token` query parameter still authenticates API calls. */
  acceptAccessTokenQueryParameter: boolean
  /** UNCONFIRMED §2.2: whether `x-oauth-scopes` / `x-accepted-oauth-scopes` are still sent. */
  scopeHeaders: boolean
  /** UNCONFIRMED §5: seconds in a `Retry-After` header on 429; null sends none (observed behaviour). */
  retryAfterSeconds: number | null
  /** UNCONFIRMED §5: `X-RateLimit-NearLimit` turns "true" when this fraction of the limit is used. */
  rateLimitNearFraction: number
  /** Requests per rolling hour for access-token (scaled) callers, §5 (1,000 base). 0 = unlimited. */
  accessTokenRateLimitPerHour: number
  /**
   * §5: OAuth API calls count "against the OAuth consumer, regardless of which user": requests per
   * rolling hour shared by every OAuth token of one consumer (1,000 on most plans). 0 = unlimited.
   */
  consumerRateLimitPerHour: number
  /** UNCONFIRMED §5: whether git requests (smart HTTP) made with an OAuth token also count against its consumer's budget. */
  gitCountsAgainstConsumer: boolean
  /** §5: git operations over HTTPS per rolling hour (60,000), per user (per token for tokens without one). 0 = unlimited. */
  gitRateLimitPerHour: number
  /** UNCONFIRMED §4.7: status of the redirect from `GET …/src` to the main branch's root listing. */
  srcRootRedirectStatus: 301 | 302
  /** §4.7: a `max_depth` above this "times out" with HTTP 555. The real threshold is UNCONFIRMED. */
  maxDepthBeforeTimeout: number
  /** UNCONFIRMED §4.2: what a `pagelen` above the maximum (100; diffstat 5000) does. 'clamp' serves the maximum, 'error' answers 400. */
  pagelenOverMaximum: 'clamp' | 'error'
  /** UNCONFIRMED §4.7: whether the `GET …/src` redirect names the main branch's tip SHA or the branch itself. */
  srcRootRedirectTarget: 'sha' | 'branch'
  /** §4.7: the message of the HTTP 555 envelope for a too-large `max_depth`; the real text is not recorded. */
  maxDepthTimeoutMessage: string
  /** UNCONFIRMED §4.7: `Content-Type` of a raw file whose name has no extension the emulator knows. */
  srcDefaultContentType: string
  /**
   * UNCONFIRMED §4.7/§8.2.4: `commit_file.escaped_path`. 'git-quoted' quotes a path as `git diff`
   * prints it (C-style, octal UTF-8 bytes, in double quotes) when it needs escaping; 'path' repeats `path`.
   */
  escapedPathStyle: 'git-quoted' | 'path'
  /**
   * UNCONFIRMED §4.6: which spellings of a `/` in `GET …/refs/branches/{name}` are accepted: the
   * recorded fixtures use `%2F`, [SPEC]'s own `links.self` use a literal slash.
   */
  branchSlashInRefPath: 'both' | 'encoded' | 'literal'
  /** UNCONFIRMED §4.5: an empty repository's `mainbranch`: null, or `{name: <HEAD's branch>}` as if it existed. */
  emptyRepositoryMainbranch: 'null' | 'head'
  /** UNCONFIRMED §3: the 409 message when `parents` is not the branch tip. */
  staleParentMessage: string
  /** UNCONFIRMED §3: what deleting (`files=`) a path absent from the tree does. */
  deleteOfMissingPath: 'ignore' | 'error'
  /** UNCONFIRMED §3: whether a commit with no file changes on an existing branch is created or refused. */
  emptyCommitOnExistingBranch: 'create' | 'error'
  /** UNCONFIRMED §3: which `x-attributes` syntaxes are parsed ('colon' as in the spec example, 'equals' as in its prose). */
  xAttributesSyntax: 'both' | 'colon' | 'equals'
  /** UNCONFIRMED §3 ("Bitbucket uses a canned string"): the commit message when `message` is omitted. */
  defaultCommitMessage: string
  /**
   * UNCONFIRMED §3/§2.4: the raw `Name <email>` author of a commit made with an access token (it
   * has no user) and no `author` field. An empty string refuses such a commit with 400 instead.
   */
  accessTokenAuthor: string
  /** UNCONFIRMED §3: an `author` that is not `Name <email>`: 'error' answers 400, 'fallback' uses the default author. */
  malformedAuthor: 'error' | 'fallback'
  /** UNCONFIRMED §3: status for a `parents` SHA the repository does not have (400 or 404). */
  unknownParentStatus: 400 | 404
  /** UNCONFIRMED §3 and size limits (changes in force): status of a `/src` commit refused because the repository is over its size limit. */
  repositorySizeLimitStatus: number
  /**
   * UNCONFIRMED §3: an uploaded file whose path is, or lies under, an existing file or directory
   * that the request does not delete. 'replace' does what git's index does (the file replaces
   * the directory or vice versa); 'error' answers 400.
   */
  fileDirectoryConflict: 'replace' | 'error'
  /**
   * UNCONFIRMED §3: whether a multipart part with no `name` takes its path from `Content-ID`,
   * as in [SPEC]'s own executables-and-links example (`Content-ID: "bin/shutdown.sh"`).
   */
  multipartContentIdPath: boolean
  /** §8 size limits: a warning header past this many bytes (2 GB). */
  repositorySizeWarningBytes: number
  /** §8 size limits: new commits refused past this many bytes (4 GB). */
  repositorySizeLimitBytes: number
  /** UNCONFIRMED §6: whether git smart HTTP also answers at `{workspace}/{slug}` without `.git` (third-party reports say it does). */
  gitUrlWithoutDotGit: boolean
  /** UNCONFIRMED §6: git status for an authenticated caller who cannot read the repository, or a repository that does not exist. */
  gitNoAccessStatus: 403 | 404
  /** UNCONFIRMED §2.3/§6: whether a push with an API token needs `read:repository:bitbucket` beside `write:repository:bitbucket`. */
  gitApiTokenPushNeedsRead: boolean
  /** UNCONFIRMED §6: whether `Authorization: Bearer` on git takes repository/project/workspace access tokens too (OAuth tokens always). */
  gitBearerAcceptsAccessTokens: boolean
  /**
   * UNCONFIRMED (diffstat; bitbucket-api.md has no section, [SPEC] lists only 200 and 555): the
   * status of a malformed `{spec}` (`A..`, `..B`, `A...B`, `A..B..C`). 404 sends the "Commit not
   * found" envelope of §4.1, as if the odd text were an unknown revision; 400 an "Invalid spec" error.
   */
  diffstatMalformedSpecStatus: 400 | 404
  /**
   * UNCONFIRMED (diffstat): in a `topic=true` diffstat of `A..B`, which commit the `old` side's
   * links name: the merge base the diff is taken from ([SPEC]: "the diff between source commit and
   * the merge base"), or B as given. [SPEC]'s example only shows B where B is that merge base.
   */
  diffstatTopicOldCommit: 'merge-base' | 'destination'
  /**
   * UNCONFIRMED (diffstat): `A..B` with `topic=true` when A and B share no history (no merge
   * base): 'empty-tree' reports all of A as added; 'two-dot' falls back to the plain diff against B.
   */
  diffstatNoMergeBase: 'empty-tree' | 'two-dot'
  /**
   * UNCONFIRMED (diffstat): the `merge` parameter, deprecated in [SPEC] and removed on 4 September
   * 2026 (BitbucketPHP/Client issue #121, Atlassian's "Removal of the merge parameter" notice).
   * What Bitbucket does with it now is not recorded: 'ignore' it, or 'error' (400).
   */
  diffstatMergeParameter: 'ignore' | 'error'
  /**
   * UNCONFIRMED (diffstat): with `ignore_whitespace=true`, a file whose only change is whitespace:
   * 'omit' it, as `git diff -w --numstat` and `--stat` do, or 'list' it as modified with 0/0 lines.
   */
  diffstatWhitespaceOnlyChange: 'omit' | 'list'
  /** UNCONFIRMED (diffstat): the similarity, in percent, from which a delete+add pair is `renamed` (git's default, 50). */
  diffstatRenameSimilarity: number
  /**
   * UNCONFIRMED (diffstat): how `path=` filters. [SPEC]: "Limit the diffstat to a particular file".
   * 'pathspec' hands the paths to git as literal pathspecs (a directory takes everything below it;
   * a rename counts only when both names match, else it is an add or a delete); 'exact' diffs
   * everything and keeps the entries whose old or new path equals a given path.
   */
  diffstatPathFilter: 'pathspec' | 'exact'
  /**
   * UNCONFIRMED (diffstat): a path whose type changes (file ↔ symbolic link). 'modified' is git's
   * raw/numstat view (one `T` pair); 'removed-added' is `git diff`'s patch view, which splits the
   * pair into a deletion and a creation of the same path.
   */
  diffstatTypeChange: 'modified' | 'removed-added'
}

export const defaultSettings: EmulatorSettings = {
  accessTokenLifetimeSeconds: 7200,
  tokenScopeField: 'scope',
  tokenScopeSeparator: ' ',
  refreshTokenGraceSeconds: 600,
  refreshTokenUnusedLifetimeSeconds: 90 * 24 * 3600,
  authorizationCodeLifetimeSeconds: 300,
  tokenLength: 2600,
  pkce: 'verify',
  requireRedirectUriAtExchange: true,
  narrowScopesToRequest: false,
  denyErrorCode: 'access_denied',
  revokeEndpoint: true,
  pkcePlainMethod: true,
  requireClientSecret: true,
  clientCredentialsRefreshToken: true,
  tokenStateOnEveryGrant: true,
  callbackUrlRequiredForAllGrants: true,
  redirectUriMatch: 'string-prefix',
  authorizeWithoutSession: 'checks-request',
  tokenEndpointBearerStatus: 200,
  acceptAccessTokenQueryParameter: false,
  scopeHeaders: true,
  retryAfterSeconds: null,
  rateLimitNearFraction: 0.8,
  accessTokenRateLimitPerHour: 1000,
  consumerRateLimitPerHour: 1000,
  gitCountsAgainstConsumer: false,
  gitRateLimitPerHour: 60_000,
  srcRootRedirectStatus: 302,
  maxDepthBeforeTimeout: 20,
  pagelenOverMaximum: 'clamp',
  srcRootRedirectTarget: 'sha',
  maxDepthTimeoutMessage: 'Request timed out',
  srcDefaultContentType: 'application/octet-stream',
  escapedPathStyle: 'git-quoted',
  branchSlashInRefPath: 'both',
  emptyRepositoryMainbranch: 'null',
  staleParentMessage: 'Commit rejected: the parent commit is not the tip of the branch.',
  deleteOfMissingPath: 'ignore',
  emptyCommitOnExistingBranch: 'create',
  xAttributesSyntax: 'both',
  defaultCommitMessage: 'Edited online with Bitbucket',
  accessTokenAuthor: 'Access token <noreply@bitbucket.org>',
  malformedAuthor: 'error',
  unknownParentStatus: 404,
  repositorySizeLimitStatus: 403,
  fileDirectoryConflict: 'error',
  multipartContentIdPath: true,
  repositorySizeWarningBytes: 2 * 1024 ** 3,
  repositorySizeLimitBytes: 4 * 1024 ** 3,
  gitUrlWithoutDotGit: true,
  gitNoAccessStatus: 404,
  gitApiTokenPushNeedsRead: true,
  gitBearerAcceptsAccessTokens: true,
  diffstatMalformedSpecStatus: 404,
  diffstatTopicOldCommit: 'merge-base',
  diffstatNoMergeBase: 'empty-tree',
  diffstatMergeParameter: 'ignore',
  diffstatWhitespaceOnlyChange: 'omit',
  diffstatRenameSimilarity: 50,
  diffstatPathFilter: 'pathspec',
  diffstatTypeChange: 'modified',
}

/** The allowed values of settings that are a choice; mergeSettings refuses others. */
const settingChoices: Partial<Record<keyof EmulatorSettings, readonly unknown[]>> = {
  tokenScopeField: ['scope', 'scopes'],
  tokenScopeSeparator: [' ', ','],
  pkce: ['verify', 'accept'],
  redirectUriMatch: ['string-prefix', 'loopback-any-port'],
  authorizeWithoutSession: ['checks-request', 'sign-in-first'],
  srcRootRedirectStatus: [301, 302],
  pagelenOverMaximum: ['clamp', 'error'],
  srcRootRedirectTarget: ['sha', 'branch'],
  escapedPathStyle: ['git-quoted', 'path'],
  branchSlashInRefPath: ['both', 'encoded', 'literal'],
  emptyRepositoryMainbranch: ['null', 'head'],
  deleteOfMissingPath: ['ignore', 'error'],
  emptyCommitOnExistingBranch: ['create', 'error'],
  xAttributesSyntax: ['both', 'colon', 'equals'],
  malformedAuthor: ['error', 'fallback'],
  unknownParentStatus: [400, 404],
  fileDirectoryConflict: ['replace', 'error'],
  gitNoAccessStatus: [403, 404],
  diffstatMalformedSpecStatus: [400, 404],
  diffstatTopicOldCommit: ['merge-base', 'destination'],
  diffstatNoMergeBase: ['empty-tree', 'two-dot'],
  diffstatMergeParameter: ['ignore', 'error'],
  diffstatWhitespaceOnlyChange: ['omit', 'list'],
  diffstatPathFilter: ['pathspec', 'exact'],
  diffstatTypeChange: ['modified', 'removed-added'],
}

/** Applies a partial update, refusing unknown keys and values of the wrong type. */
export function mergeSettings(base: EmulatorSettings, patch: Record<string, unknown>): EmulatorSettings {
  const next: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    // Own keys only: `toString` or `__proto__` from a JSON body must not pass as settings.
    if (!Object.hasOwn(defaultSettings, key)) throw new Error(`Unknown emulator setting "${key}"`)
    const expected = defaultSettings[key as keyof EmulatorSettings]
    const ok =
      expected === null
        ? value === null || typeof value === 'number'
        : typeof value === typeof expected || (key === 'retryAfterSeconds' && value === null)
    if (!ok) throw new Error(`Emulator setting "${key}" must be a ${typeof expected}`)
    const allowed = settingChoices[key as keyof EmulatorSettings]
    if (allowed && !allowed.includes(value))
      throw new Error(`Emulator setting "${key}" must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`)
    next[key] = value
  }
  return next as unknown as EmulatorSettings
}
