// A refusal as the API gave it: status, code, message and each detail's path, message and
// suggestion (the error shape of SPEC.md section 4), or the text of anything else.
import { ApiProblem } from './api.ts';
import { h } from './dom.ts';

export function problemView(e: unknown): HTMLElement {
  if (!(e instanceof ApiProblem)) return h('div', { class: 'problem', role: 'alert' }, e instanceof Error ? e.message : String(e));
  const b = e.body;
  return h(
    'div',
    { class: 'problem', role: 'alert', 'data-status': e.status, 'data-code': b?.code },
    h('strong', null, `${e.status}${b ? ` ${b.code}` : ''}`),
    ' ',
    e.message,
    b?.details?.length
      ? h('ul', null, ...b.details.map((d) => h('li', null, h('code', null, d.path || '/'), ` ${d.message}`, d.suggestion ? ` (did you mean ${d.suggestion}?)` : '')))
      : null,
  );
}
