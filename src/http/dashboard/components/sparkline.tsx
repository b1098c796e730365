// A tiny weekly bar series drawn with CSS (no script): readable without JavaScript, and its numbers are spoken by
// screen readers and shown on hover. The last bar is the current, still partial week and is marked as such.
export function Sparkline(props: { values: Array<{ week: string; hits: number }>; partialLast?: boolean }) {
  const max = Math.max(0, ...props.values.map((v) => v.hits));
  const words = props.values.map((v) => `${v.week}: ${v.hits}`).join(", ");
  return (
    <span class="spark" role="img" aria-label={`Hits per week, oldest first — ${words}`} title={words}>
      {props.values.map((v, i) => {
        const partial = props.partialLast === true && i === props.values.length - 1;
        const height = max > 0 ? Math.max(v.hits > 0 ? 12 : 4, Math.round((v.hits / max) * 100)) : 4;
        return <i class={partial ? "partial" : undefined} style={`height:${height}%`}></i>;
      })}
    </span>
  );
}
