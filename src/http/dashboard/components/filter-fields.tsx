// Form fields for the filter bars: selects that show names but submit ids, and plain text inputs.
export interface Option {
  value: string;
  label: string;
}

export function SelectField(props: { name: string; label: string; value: string | undefined; options: Option[]; anyLabel?: string }) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        <option value="">{props.anyLabel ?? "Any"}</option>
        {props.options.map((o) => (
          <option value={o.value} selected={props.value === o.value}>{o.label}</option>
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
