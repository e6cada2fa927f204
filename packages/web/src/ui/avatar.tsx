import { initialsOf } from './format';

export function Avatar(props: { name: string; size?: 'small' | 'large' }) {
  return (
    <span className={`avatar ${props.size ?? 'small'}`} aria-hidden="true">
      {initialsOf(props.name)}
    </span>
  );
}
