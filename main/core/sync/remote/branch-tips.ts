/**
 * Where a branch stands, asked of git first (git/ref-advertisement.ts): a poll then costs no REST
 * API request, so an office of a hundred people on one OAuth consumer does not spend its shared
 * hourly budget (bitbucket-api.md §5) on polls that find nothing.
 *
 * The REST API (`GET …/refs/branches/{branch}`, remote-tree.ts) answers instead where git cannot:
 * the git host cannot be reached while the API can (a proxy that lets only the API through), git
 * refuses the credential or the repository (a token without the `repository` scope on git, an
 * access token git does not take), the answer is not git's (a proxy's page), or the branch name is
 * one git cannot be asked for. Each such reason is logged once per repository, not on every poll.
 */
import type { Session } from '../../auth/auth-service.js'
import type { ApiClient } from '../../bitbucket/api-client.js'
import { gitAuthorizer } from '../../git/git-authorizer.js'
import { GitRefsUnavailable, RefAdvertisement } from '../../git/ref-advertisement.js'
import { silentLogger, type Logger } from '../../log/logger.js'
import { branchTip, type RepoRef } from './remote-tree.js'

/** A branch's tip, or null when the branch does not exist. */
export type BranchTipReader = (ref: RepoRef, branch: string) => Promise<string | null>

/** Branch tips through git, with the REST API where git cannot answer. */
export class BranchTips {
  private readonly logged = new Set<string>()

  constructor(
    private readonly api: ApiClient,
    private readonly git: RefAdvertisement | null,
    private readonly log: Logger = silentLogger,
  ) {}

  /** The tip of `branch`, or null when it does not exist. */
  readonly tip: BranchTipReader = async (ref, branch) => {
    if (this.git) {
      try {
        return await this.git.branchTip(ref, branch)
      } catch (error) {
        if (!(error instanceof GitRefsUnavailable)) throw error
        const key = `${ref.workspace}/${ref.repository}:${error.reason}:${error.status ?? ''}`
        if (!this.logged.has(key)) {
          this.logged.add(key)
          this.log.warn('sync.branch-tip-over-api', {
            workspace: ref.workspace,
            repository: ref.repository,
            reason: error.reason,
            error: error.message,
          })
        }
      }
    }
    return branchTip(this.api, ref, branch)
  }
}

/** One BranchTips per session: its log-once memory lives as long as the sign-in. */
const perSession = new WeakMap<Session, BranchTips>()

/** The session's BranchTips: git at the account's web URL with its tokens, REST through its API client. */
export function branchTipsOf(session: Session): BranchTips {
  let tips = perSession.get(session)
  if (!tips) {
    const git = new RefAdvertisement({ webUrl: session.account.webUrl, authorizer: gitAuthorizer(session.tokens) })
    tips = new BranchTips(session.api, git, session.logger)
    perSession.set(session, tips)
  }
  return tips
}
