/**
 * The window's side of `pail admin check` and `pail admin provision` (`admin:*` channels): the
 * same probe and verdict as the CLI (main/core/admin/), with the endpoints and callback of the
 * provisioning in force and the network the shell installed (the global dispatcher). No browser
 * sign-in (the CLI's --sign-in) and nothing stored: the secret lives for the request only, and is
 * never logged or put in an answer other than the provisioning file's text.
 */
import type { InputOf } from '../../../shared/ipc/contract.js'
import type { ProvisioningFileView } from '../../../shared/ipc/views.js'
import { assertBranchName, parseRepositoryRef } from '../../../shared/bitbucket/names.js'
import { probeConsumer } from '../admin/consumer-probe.js'
import { judgeConsumer, type CheckReport } from '../admin/consumer-verdict.js'
import { buildProvisioning, provisioningText, ProvisioningWriteError } from '../admin/provisioning-file.js'
import type { ConsumerCredentials } from '../auth/oauth-client.js'
import { callbackUrl, type Endpoints } from '../config/endpoints.js'
import { callbackInForce, type Provisioning } from '../config/provisioning.js'
import { AppError } from './app-error.js'
import { consumerCheckView } from './consumer-check-view.js'

/** What the window sends (the contract's schema, already checked). */
export type ConsumerCheckRequest = InputOf<'admin:check-consumer'>

/** What the check needs of the core: Bitbucket's addresses and the provisioning in force (its callback). */
export interface ConsumerCheckContext {
  endpoints: Endpoints
  provisioning: Provisioning
}

function consumerOf(request: ConsumerCheckRequest): ConsumerCredentials {
  const key = request.key.trim()
  const secret = request.secret.trim()
  if (!key)
    throw new AppError(
      'admin.no-key',
      'Write the consumer’s key.',
      'It is on Bitbucket: Workspace settings → OAuth consumers → click the consumer’s name.',
    )
  if (!secret)
    throw new AppError(
      'admin.no-secret',
      'Write the consumer’s secret.',
      'It is on Bitbucket: Workspace settings → OAuth consumers → click the consumer’s name.',
    )
  return { key, secret }
}

/** The default repository ("workspace/repository") with its branch, or null when none is given. */
function repositoryOf(request: ConsumerCheckRequest): { workspace: string; slug: string; branch?: string } | null {
  const ref = request.repository?.trim() ?? ''
  const branch = request.branch?.trim() ?? ''
  if (!ref) {
    if (branch)
      throw new AppError(
        'admin.branch-without-repository',
        'A branch goes with a default repository.',
        'Write the repository as workspace/repository, or leave the branch empty.',
      )
    return null
  }
  // Both throw BitbucketNameError, whose sentence names what is wrong (dispatch shows it).
  const { workspace, repository } = parseRepositoryRef(ref)
  if (branch) assertBranchName(branch)
  return { workspace, slug: repository, ...(branch ? { branch } : {}) }
}

async function check(
  context: ConsumerCheckContext,
  consumer: ConsumerCredentials,
  repository: ReturnType<typeof repositoryOf>,
): Promise<CheckReport> {
  const facts = await probeConsumer({
    endpoints: context.endpoints,
    consumer,
    callbackUrl: callbackUrl(context.provisioning),
    repository,
    signIn: null,
  })
  return judgeConsumer(facts, 'window')
}

/** `admin:check-consumer`: what works, what to fix and what could not be checked. */
export async function checkConsumer(context: ConsumerCheckContext, request: ConsumerCheckRequest) {
  return consumerCheckView(await check(context, consumerOf(request), repositoryOf(request)))
}

/** `admin:build-provisioning`: the same check, then the provisioning file's text; refused when something must be fixed. */
export async function provisioningFile(
  context: ConsumerCheckContext,
  request: ConsumerCheckRequest,
): Promise<ProvisioningFileView> {
  const consumer = consumerOf(request)
  const repository = repositoryOf(request)
  const report = await check(context, consumer, repository)
  if (report.verdict === 'needs-fixes')
    throw new AppError(
      'admin.check-failed',
      'Pail did not make the provisioning file: the check found something to fix.',
      'Change what the check marks “To fix”, then check again.',
    )
  let provisioning: Provisioning
  try {
    provisioning = buildProvisioning({
      consumer,
      callback: callbackInForce(context.provisioning),
      endpoints: context.endpoints,
      defaultRepository: repository,
    })
  } catch (error) {
    if (error instanceof ProvisioningWriteError)
      throw new AppError('admin.provisioning-invalid', error.message, 'Check what you entered and try again.')
    throw error
  }
  return { fileName: 'provisioning.json', text: provisioningText(provisioning), check: consumerCheckView(report) }
}
