/**
 * The admin's check of an OAuth consumer (main/core/admin/consumer-verdict.ts) as the window shows
 * it (shared/ipc/views.ts): each line with its status in words, the features the permissions
 * enable, and the overall verdict in one sentence. Only the report's own fields are copied, and
 * the report never holds the consumer's secret.
 */
import type { ConsumerCheckView } from '../../../shared/ipc/views.js'
import type { CheckReport, CheckStatus } from '../admin/consumer-verdict.js'

const statusWords: Record<CheckStatus, string> = {
  ok: 'Works',
  fix: 'To fix',
  unverified: 'Not checked',
  info: 'Note',
}

const summaries: Record<CheckReport['verdict'], string> = {
  ready: 'Staff can sign in and upload.',
  'needs-fixes': 'Staff cannot sign in and upload yet: change what is marked “To fix”, then check again.',
  incomplete:
    'Nothing to fix was found, but not everything could be checked: see what is marked “Not checked”, and how to look by hand.',
}

/** The window's view of `report`. */
export function consumerCheckView(report: CheckReport): ConsumerCheckView {
  return {
    verdict: report.verdict,
    ready: report.verdict === 'ready',
    summary: summaries[report.verdict],
    // As `pail admin provision`: refused only when something must be fixed.
    canProvision: report.verdict !== 'needs-fixes',
    consumerKey: report.consumerKey,
    webUrl: report.webUrl,
    callbackUrl: report.callbackUrl,
    items: report.items.map((item) => ({
      id: item.id,
      status: item.status,
      statusWords: statusWords[item.status],
      text: item.text,
      fix: item.fix,
      byHand: item.byHand,
    })),
    features: report.features?.map((f) => ({ label: f.label, ready: f.ready, missing: [...f.missing] })) ?? null,
  }
}
