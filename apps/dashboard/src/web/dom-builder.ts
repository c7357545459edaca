/** A child of an element: text (always a text node, never parsed as HTML), an element, or nothing. */
export type Child = Node | string | number | null | undefined | false;

export interface ElementProps {
  readonly className?: string;
  /** `data-*` attributes, by their camelCase name. */
  readonly data?: Readonly<Record<string, string>>;
  readonly title?: string;
  /** Plain attributes; never an event handler or a URL made from data. */
  readonly attrs?: Readonly<Record<string, string>>;
}

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Builds an HTML element; every string lands in a text node, so data is never interpreted as markup. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.title) element.title = props.title;
  for (const [key, value] of Object.entries(props.data ?? {})) element.dataset[key] = value;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Builds an SVG element for the inline charts; attributes are numbers and fixed names only. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number>>,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}
