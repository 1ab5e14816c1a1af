/**
 * What a Bitbucket admin sets up once so people can sign in (lib/admin-instructions.ts), with a
 * button that copies the same steps as plain text for an email.
 */
import type { AppInfo } from '../../shared/ipc/views.js'
import { adminInstructionsText, adminSteps } from '../lib/admin-instructions.js'
import { CopyButton } from './copy-button.js'

/** The admin's set-up steps for this Pail, with their copy button. */
export function AdminSetup({ info }: { info: AppInfo }) {
  return (
    <div className="admin-setup">
      <ol>
        {adminSteps(info).map((step) => (
          <li key={step.text}>
            {step.text}
            {step.value ? (
              <>
                {': '}
                <code className="copyable">{step.value}</code>
              </>
            ) : null}
          </li>
        ))}
      </ol>
      <CopyButton text={adminInstructionsText(info)} label="Copy these instructions" />
    </div>
  )
}
