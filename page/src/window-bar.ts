// The window and zone pickers: a range (or each endpoint's default, or start/end dates),
// "now" (as_of) and the time zone. Every change is a new URL, so Back undoes it.
import { h, select } from './dom.ts';
import { update } from './state.ts';
import type { State } from './state.ts';

const RANGES: readonly (readonly [string, string])[] = [
  ['', "each chart's default"],
  ['day', 'last day'],
  ['week', 'last 7 days'],
  ['month', 'last 30 days'],
  ['year', 'last 365 days'],
  ['all', 'all time'],
  ['custom', 'from … to …'],
];

let zones: string[] | undefined;
function zoneList(): string[] {
  // Intl's list is what the engine accepts too (engine/zones.ts asks Intl); UTC leads.
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  return zones;
}

export function windowBar(s: State, zoneWords: readonly string[] = []): HTMLElement {
  const custom = s.range === 'custom';
  const list = h('datalist', { id: 'zones' }, ...[...zoneWords, ...zoneList()].map((z) => h('option', { value: z })));
  return h(
    'form',
    { class: 'window-bar', onsubmit: (e: Event) => e.preventDefault() },
    h('label', null, 'Window ', select(RANGES, s.range, { name: 'range', onchange: (e: Event) => update({ range: (e.target as HTMLSelectElement).value }) })),
    custom ? h('label', null, 'from ', h('input', { type: 'date', name: 'start', value: s.start.slice(0, 10), onchange: (e: Event) => update({ start: (e.target as HTMLInputElement).value }) })) : null,
    custom ? h('label', null, 'to ', h('input', { type: 'date', name: 'end', value: s.end.slice(0, 10), onchange: (e: Event) => update({ end: (e.target as HTMLInputElement).value }) })) : null,
    h(
      'label',
      { title: 'the instant standing for "now": the last day, week, ... end there' },
      'as of ',
      h('input', { type: 'text', name: 'as_of', value: s.asOf, placeholder: 'now', size: 22, onchange: (e: Event) => update({ asOf: (e.target as HTMLInputElement).value.trim() }) }),
    ),
    h(
      'label',
      null,
      'Zone ',
      h('input', { type: 'text', name: 'tz', list: 'zones', value: s.tz, placeholder: zoneWords.length ? `UTC, or ${zoneWords.join(', ')}` : 'UTC', size: 20, onchange: (e: Event) => update({ tz: (e.target as HTMLInputElement).value.trim() }) }),
    ),
    list,
  );
}
