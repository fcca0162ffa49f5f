// A small element builder: the page has no framework, and this keeps its DOM code short.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, unknown>;

/** An element with attributes (`class`, `data-*`, ...), properties (`value`, `checked`,
 *  `disabled`, `selected`), listeners (`onclick`, `onchange`, ...) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected') (el as unknown as Record<string, unknown>)[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** A <select> of values (label = value unless given), with `value` selected. */
export function select(values: readonly (string | readonly [string, string])[], value: string, attrs: Attrs = {}): HTMLSelectElement {
  const s = h('select', attrs);
  for (const v of values) {
    const [val, label] = typeof v === 'string' ? [v, v] : v;
    s.append(h('option', { value: val, selected: val === value }, label));
  }
  s.value = value;
  return s;
}
