import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface Column<T> {
  /** A stable key (also the cell's data-column attribute, for tests and styles). */
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Figures are right-aligned. */
  numeric?: boolean;
}

/** A plain, accessible table: a caption, column headers, one row per item. */
export function DataTable<T>({ caption, columns, rows, rowKey, testId }: { caption: ReactNode; columns: Column<T>[]; rows: readonly T[]; rowKey: (row: T) => string; testId?: string }) {
  const { t } = useTranslation();
  const captionId = useId();
  // A wide table scrolls sideways on a phone: the scrolling region takes the keyboard focus (arrow keys), named by the caption.
  return (
    <div className="table-wrap" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table data-testid={testId}>
        <caption id={captionId}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length}>{t('table.empty')}</td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.key} data-column={c.key} className={c.numeric ? 'num' : undefined}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
