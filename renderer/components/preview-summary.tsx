/**
 * What "Preview" found, before anything is sent: how many files and how large, what is left out and
 * why, what comes down from the repository, and files that differ on both sides.
 */
import type { FolderPreview } from '../../shared/ipc/views.js'
import { formatBytes, formatCount } from '../lib/format.js'

function More({ shown, count }: { shown: number; count: number }) {
  return count > shown ? <li className="small">and {formatCount(count - shown, 'more')}</li> : null
}

/** The preview of a folder about to be paired. */
export function PreviewSummary({ preview }: { preview: FolderPreview }) {
  return (
    <div className="panel preview" role="region" aria-label="Preview">
      <h3>Before anything is sent</h3>
      <p className="lead">
        {formatCount(preview.files, 'file')}, {formatBytes(preview.bytes)}, will be saved to Bitbucket.
      </p>
      {preview.warnings.map((warning) => (
        <p key={warning} className="message message-info">
          {warning}
        </p>
      ))}
      <p>
        {preview.incoming.files === 0
          ? 'Nothing comes down from the repository.'
          : `${formatCount(preview.incoming.files, 'file')} (${formatBytes(preview.incoming.bytes)}) will come down from the repository into the folder.`}
      </p>
      {preview.incoming.sample.length > 0 ? (
        <details>
          <summary>Files that come down</summary>
          <ul>
            {preview.incoming.sample.map((path) => (
              <li key={path}>{path}</li>
            ))}
            <More shown={preview.incoming.sample.length} count={preview.incoming.files} />
          </ul>
        </details>
      ) : null}
      {preview.bothSides.count > 0 ? (
        <details>
          <summary>
            {formatCount(preview.bothSides.count, 'file differs', 'files differ')} here and in the repository: both
            versions will be kept
          </summary>
          <ul>
            {preview.bothSides.sample.map((path) => (
              <li key={path}>{path}</li>
            ))}
            <More shown={preview.bothSides.sample.length} count={preview.bothSides.count} />
          </ul>
        </details>
      ) : null}
      <p>
        {preview.ignored.count === 0
          ? 'No file is left out by the ignore rules.'
          : `${formatCount(preview.ignored.count, 'file is', 'files are')} left out by the ignore rules (temporary and system files, and what .pailignore names).`}
      </p>
      {preview.ignored.sample.length > 0 ? (
        <details>
          <summary>Files left out</summary>
          <ul>
            {preview.ignored.sample.map((path) => (
              <li key={path}>{path}</li>
            ))}
            <More shown={preview.ignored.sample.length} count={preview.ignored.count} />
          </ul>
        </details>
      ) : null}
      {preview.skipped.count > 0 ? (
        <>
          <p>{formatCount(preview.skipped.count, 'file is', 'files are')} skipped:</p>
          <ul>
            {preview.skipped.sample.map((skip) => (
              <li key={skip.path}>
                <strong>{skip.path}</strong> — {skip.label}. {skip.message}
              </li>
            ))}
            <More shown={preview.skipped.sample.length} count={preview.skipped.count} />
          </ul>
        </>
      ) : null}
    </div>
  )
}
