/**
 * A small logic-less template language for the compiled email templates.
 *
 * Stage one (once per distinct content): `{{name}}` (escaped), `{{{name}}}` (raw),
 * `{{#list}}…{{/list}}` (repeat for arrays, show when truthy), `{{^x}}…{{/x}}` (show when falsy).
 * Dotted names (`{{author.name}}`) read nested values; `{{.}}` is the current item.
 *
 * Stage two (once per recipient): `[[slot]]` markers left in the output are filled by
 * {@link compileSlots}, which splits the string once so each recipient costs one join.
 */
import type { BodyParts } from './mailer.js';

type Node =
  | { t: 'text'; v: string }
  | { t: 'var'; name: string; raw: boolean }
  | { t: 'section'; name: string; inverted: boolean; body: Node[] };

export type Escape = (s: string) => string;

export const noEscape: Escape = (s) => s;

const TAG = /\{\{\{\s*([\w.]+)\s*\}\}\}|\{\{\s*([#^/]?)\s*([\w.]+)\s*\}\}/g;

export function parseTemplate(source: string): Node[] {
  const root: Node[] = [];
  const stack: { name: string; nodes: Node[] }[] = [{ name: '', nodes: root }];
  let last = 0;
  for (const m of source.matchAll(TAG)) {
    const top = stack[stack.length - 1] as { name: string; nodes: Node[] };
    if (m.index > last) top.nodes.push({ t: 'text', v: source.slice(last, m.index) });
    last = m.index + m[0].length;
    if (m[1]) top.nodes.push({ t: 'var', name: m[1], raw: true });
    else if (m[2] === '#' || m[2] === '^') {
      const body: Node[] = [];
      top.nodes.push({ t: 'section', name: m[3] as string, inverted: m[2] === '^', body });
      stack.push({ name: m[3] as string, nodes: body });
    } else if (m[2] === '/') {
      if (top.name !== m[3]) throw new Error(`template: {{/${m[3]}}} closes {{#${top.name}}}`);
      stack.pop();
    } else top.nodes.push({ t: 'var', name: m[3] as string, raw: false });
  }
  if (stack.length !== 1) throw new Error(`template: {{#${stack[stack.length - 1]?.name}}} is never closed`);
  if (last < source.length) root.push({ t: 'text', v: source.slice(last) });
  return root;
}

function lookup(scopes: unknown[], name: string): unknown {
  if (name === '.') return scopes[scopes.length - 1];
  const [head, ...rest] = name.split('.');
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i];
    if (s && typeof s === 'object' && head as string in s) {
      let v: unknown = (s as Record<string, unknown>)[head as string];
      for (const k of rest) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
      return v;
    }
  }
  return undefined;
}

function renderNodes(nodes: Node[], scopes: unknown[], escape: Escape, out: string[]): void {
  for (const n of nodes) {
    if (n.t === 'text') out.push(n.v);
    else if (n.t === 'var') {
      const v = lookup(scopes, n.name);
      if (v !== undefined && v !== null) out.push(n.raw ? String(v) : escape(String(v)));
    } else {
      const v = lookup(scopes, n.name);
      const truthy = Array.isArray(v) ? v.length > 0 : Boolean(v);
      if (n.inverted) {
        if (!truthy) renderNodes(n.body, scopes, escape, out);
      } else if (Array.isArray(v)) {
        for (const item of v) renderNodes(n.body, [...scopes, item], escape, out);
      } else if (truthy) renderNodes(n.body, [...scopes, v], escape, out);
    }
  }
}

export type Template = (data: unknown) => string;

/** Parses once; the returned function renders with `escape` applied to `{{…}}` values. */
export function compileTemplate(source: string, escape: Escape): Template {
  const nodes = parseTemplate(source);
  return (data) => {
    const out: string[] = [];
    renderNodes(nodes, [data], escape, out);
    return out.join('');
  };
}

/** One recipient's values in a rendered template's slots: the text as parts (see {@link BodyParts}). */
export type Slots = (values: Record<string, string>) => BodyParts;

/** Stands in for "[" inside stage-one values (U+E000, private use); {@link compileSlots} puts it back. */
const VALUE_BRACKET = '\uE000';

/**
 * For stage-one templates whose output goes to {@link compileSlots}: values (an article title
 * with "[[…]]") can then never form a slot marker, which would be filled or throw per recipient.
 */
export function guardSlots(escape: Escape): Escape {
  return (s) => escape(s).replaceAll('[', VALUE_BRACKET);
}

/**
 * Splits a rendered string on `[[slot]]` markers once; the result fills them per recipient,
 * escaped. The fixed text between the markers is one array shared by every recipient.
 */
export function compileSlots(rendered: string, escape: Escape): Slots {
  const split = rendered.split(/\[\[(\w+)\]\]/).map((p, i) => (i % 2 ? p : p.replaceAll(VALUE_BRACKET, '[')));
  const fixed: readonly string[] = split.filter((_, i) => i % 2 === 0);
  const names = split.filter((_, i) => i % 2 === 1);
  return (values) => ({
    fixed,
    values: names.map((name) => {
      const v = values[name];
      if (v === undefined) throw new Error(`template: no value for slot [[${name}]]`);
      return escape(v);
    }),
  });
}
