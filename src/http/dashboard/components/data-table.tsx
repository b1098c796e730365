// The one table every dashboard page uses: columns declared as data, an empty state instead of an empty table,
// optional proportional bars behind numbers, and the data-chart attributes chart.js reads to draw above it.
import type { Child } from "hono/jsx";
import { BarCell, EmptyState } from "../layout";

export interface Column<T> {
  header: string;
  /** Right-aligned, tabular figures. */
  num?: boolean;
  /** Draws a bar behind the number; the column's largest value fills the cell. Implies `num`. */
  bar?: (row: T) => number;
  /** The cell's content (ignored when `bar` is set). */
  cell?: (row: T) => Child;
  /** The value chart.js plots when the shown text is not a plain number (a share, a duration). */
  value?: (row: T) => number;
  nowrap?: boolean;
}

export interface ChartSpec {
  title: string;
  /** Which value columns are stacked in each bar: 1 is the first column after the row label. */
  series: number[];
}

export interface DataTableProps<T> {
  id?: string;
  columns: Array<Column<T>>;
  rows: T[];
  empty: { title: string; hint?: string };
  chart?: ChartSpec;
  /** Marks a row (e.g. the current, still partial week) for styling and for the chart. */
  rowNote?: (row: T) => string | undefined;
}

function cellClass(col: Column<unknown>): string | undefined {
  const classes = [col.num ? "num" : "", col.nowrap ? "nowrap" : ""].filter(Boolean);
  return classes.length ? classes.join(" ") : undefined;
}

/** A table of `rows`, or the empty state when there are none. */
export function DataTable<T>(props: DataTableProps<T>) {
  if (props.rows.length === 0) return <EmptyState title={props.empty.title}>{props.empty.hint}</EmptyState>;
  const maxes = props.columns.map((c) => (c.bar ? Math.max(0, ...props.rows.map(c.bar)) : 0));
  // The wrapper scrolls sideways on a phone instead of squeezing columns unreadably narrow.
  return (
    <div class="scroll">
    <table
      id={props.id}
      data-chart={props.chart ? "bars" : undefined}
      data-series={props.chart?.series.join(",")}
      data-chart-title={props.chart?.title}
    >
      <thead>
        <tr>{props.columns.map((c) => <th class={c.num || c.bar ? "num" : undefined}>{c.header}</th>)}</tr>
      </thead>
      <tbody>
        {props.rows.map((row) => {
          const note = props.rowNote?.(row);
          return (
            <tr class={note ? "noted" : undefined} data-note={note}>
              {props.columns.map((c, i) =>
                c.bar ? (
                  <BarCell value={c.bar(row)} max={maxes[i] ?? 0} />
                ) : (
                  <td class={cellClass(c as Column<unknown>)} data-value={c.value ? String(c.value(row)) : undefined}>{c.cell?.(row)}</td>
                ),
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
    </div>
  );
}
