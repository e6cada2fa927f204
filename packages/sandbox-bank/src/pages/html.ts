/** HTML that is already safe to send: made only by `html` and `page` below. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => escapes[char] ?? char);
}

type Interpolated = SafeHtml | string | number | null | undefined | false | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * A template tag that escapes every interpolated value unless it is SafeHtml, so customer
 * data and client names can never inject markup into the bank's pages.
 *
 * @example
 * html`<p>Hello ${customer.display_name}</p>`
 */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

const styles = `
  :root { color-scheme: light; --ink:#14213d; --muted:#5c677d; --brand:#0b6e4f; --line:#d9dee7; --bad:#b00020; }
  * { box-sizing: border-box; }
  body { margin:0; font:16px/1.5 system-ui, sans-serif; color:var(--ink); background:#f4f6f9; }
  header { background:var(--brand); color:#fff; padding:14px 24px; font-weight:600; letter-spacing:.02em; }
  main { max-width:560px; margin:32px auto; background:#fff; border:1px solid var(--line); border-radius:12px; padding:28px; }
  h1 { font-size:1.4rem; margin:0 0 12px; }
  label { display:block; margin:12px 0 4px; font-weight:500; }
  input[type=text], input[type=password] { width:100%; padding:10px; border:1px solid var(--line); border-radius:8px; font:inherit; }
  button { font:inherit; padding:10px 18px; border-radius:8px; border:1px solid var(--brand); background:var(--brand); color:#fff; cursor:pointer; margin:16px 8px 0 0; }
  button.secondary { background:#fff; color:var(--brand); }
  .muted { color:var(--muted); font-size:.9rem; }
  .error { color:var(--bad); }
  ul.plain { list-style:none; padding:0; }
  ul.plain li { padding:10px 0; border-bottom:1px solid var(--line); }
`;

/** A whole page of the bank's website, in the bank's look. */
export function page(input: { title: string; body: SafeHtml }): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · Sandbox Bank</title><style>${new SafeHtml(styles)}</style></head>
<body><header>Sandbox Bank</header><main>${input.body}</main></body></html>`.value;
}
