// Form fields for the filter bars: selects that show names but submit ids, and plain text inputs.
export interface Option {
  value: string;
  label: string;
}

export interface OptionGroup {
  label: string;
  options: Option[];
}

function Options(props: { options: Option[]; value: string | undefined }) {
  return <>{props.options.map((o) => <option value={o.value} selected={props.value === o.value}>{o.label}</option>)}</>;
}

/**
 * A select by name that submits the id. A current value the list doesn't offer (an id typed into the URL, a rep who
 * left) is kept as an extra option so the form never silently drops a filter.
 */
export function SelectField(props: { name: string; label: string; value: string | undefined; options?: Option[]; groups?: OptionGroup[]; anyLabel?: string; valueLabel?: string }) {
  const all = [...(props.options ?? []), ...(props.groups ?? []).flatMap((g) => g.options)];
  const orphan = props.value !== undefined && !all.some((o) => o.value === props.value);
  return (
    <label>
      {props.label}
      <select name={props.name}>
        <option value="">{props.anyLabel ?? "Any"}</option>
        {orphan && props.value !== undefined ? <option value={props.value} selected>{props.valueLabel ?? props.value}</option> : null}
        <Options options={props.options ?? []} value={props.value} />
        {(props.groups ?? []).map((g) => (
          <optgroup label={g.label}><Options options={g.options} value={props.value} /></optgroup>
        ))}
      </select>
    </label>
  );
}

export function TextField(props: { name: string; label: string; value: string | undefined; placeholder?: string }) {
  return (
    <label>
      {props.label}
      <input type="text" name={props.name} value={props.value ?? ""} placeholder={props.placeholder} />
    </label>
  );
}

/** The same value list for a select whose options are their own labels. */
export const plainOptions = (values: string[]): Option[] => values.map((v) => ({ value: v, label: v }));
