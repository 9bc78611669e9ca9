/**
 * Policy XML as .NET's XmlReader gives it to Altinn's XacmlParser: well-formed, no DTD, only the
 * entities XML defines, prefixes resolved to namespaces, each element's line kept for messages, and
 * a cursor that walks children in order. xacml.ts reads the XACML elements with it.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { XACML_NAMESPACE } from "./model";

export class XacmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "XacmlSyntaxError";
  }
}

export interface Element {
  ns: string | undefined;
  name: string;
  qname: string;
  attrs: Record<string, string>;
  children: Element[];
  /** Text directly inside, CDATA included. */
  text: string;
  line: number;
}

const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
const META = XMLParser.getMetaDataSymbol() as unknown as string;
const VALID_REFERENCE = /&(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;

/** Parses XML into its element tree; throws XacmlSyntaxError. */
export function readXml(source: string): Element {
  const xml = source.replace(/^\uFEFF/, "");
  if (xml.trim() === "") throw new XacmlSyntaxError("the document is empty");
  const validation = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (validation !== true) {
    throw new XacmlSyntaxError(`not well-formed XML: ${validation.err.msg}`, validation.err.line);
  }
  checkEntities(xml);
  const lineAt = lineIndex(xml);
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: "",
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    htmlEntities: true,
    captureMetaData: true,
  });
  const nodes = parser.parse(xml) as RawNode[];
  const roots = nodes.filter((node) => elementKey(node) !== undefined);
  if (roots.length !== 1) {
    throw new XacmlSyntaxError(`the document must have one root element, found ${roots.length}`);
  }
  const strayText = nodes.find(
    (node) => typeof node["#text"] === "string" && node["#text"].trim() !== "",
  );
  if (strayText) throw new XacmlSyntaxError("text outside the root element");
  return toElement(roots[0]!, { xml: XML_NAMESPACE }, lineAt);
}

type RawNode = Record<string, unknown> & { ":@"?: Record<string, string> };

function elementKey(node: RawNode): string | undefined {
  return Object.keys(node).find((k) => k !== ":@" && k !== "#text" && !k.startsWith("?"));
}

/**
 * The parser tolerates references XML does not define (`&nbsp;`, a bare `&`); .NET's reader does
 * not, and neither does a DTD, which .NET prohibits by default.
 */
function checkEntities(xml: string): void {
  if (/<!DOCTYPE/i.test(xml)) {
    throw new XacmlSyntaxError("a DOCTYPE is not allowed (the Resource Registry prohibits DTDs)");
  }
  // CDATA sections and comments may hold any text: blank them out, keeping positions.
  const blanked = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g, (m) =>
    m.replace(/[^\n]/g, " "),
  );
  for (let index = blanked.indexOf("&"); index >= 0; index = blanked.indexOf("&", index + 1)) {
    VALID_REFERENCE.lastIndex = index;
    if (!VALID_REFERENCE.test(blanked)) {
      const line = blanked.slice(0, index).split("\n").length;
      const reference = /^&[^;\s<]{0,20};?/.exec(blanked.slice(index))?.[0] ?? "&";
      throw new XacmlSyntaxError(
        `"${reference}" is not an XML entity: write & as &amp; (XML defines only &lt; &gt; &amp; &quot; &apos; and numeric references)`,
        line,
      );
    }
  }
}

function lineIndex(xml: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < xml.length; i++) if (xml[i] === "\n") starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

function toElement(
  node: RawNode,
  inherited: Record<string, string>,
  lineAt: (offset: number) => number,
): Element {
  const qname = elementKey(node)!;
  const meta = (node as Record<string, unknown>)[META] as { startIndex?: number } | undefined;
  const line = lineAt(meta?.startIndex ?? 0);
  const rawAttrs = node[":@"] ?? {};
  const scope = { ...inherited };
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === "xmlns") scope[""] = value;
    else if (name.startsWith("xmlns:")) scope[name.slice(6)] = value;
    else attrs[name] = value;
  }
  const colon = qname.indexOf(":");
  const prefix = colon >= 0 ? qname.slice(0, colon) : "";
  const name = colon >= 0 ? qname.slice(colon + 1) : qname;
  if (prefix !== "" && scope[prefix] === undefined) {
    throw new XacmlSyntaxError(`the prefix "${prefix}" of <${qname}> is not declared`, line);
  }
  const children: Element[] = [];
  let text = "";
  for (const child of (node[qname] as RawNode[] | undefined) ?? []) {
    if (typeof child["#text"] === "string") text += child["#text"];
    else if (elementKey(child) !== undefined) children.push(toElement(child, scope, lineAt));
  }
  return { ns: scope[prefix] || undefined, name, qname, attrs, children, text, line };
}

/** Walks an element's children in order, as .NET's XmlReader does. */
export class Cursor {
  private index = 0;

  constructor(readonly parent: Element) {
    if (parent.text.trim() !== "") {
      throw new XacmlSyntaxError(`unexpected text inside <${parent.qname}>`, parent.line);
    }
  }

  /** The next element is XACML `name`. */
  at(name: string): boolean {
    const next = this.parent.children[this.index];
    return next !== undefined && next.ns === XACML_NAMESPACE && next.name === name;
  }

  take(name: string): Element {
    if (!this.at(name)) {
      const next = this.parent.children[this.index];
      const found = next ? `found <${next.qname}>` : `<${this.parent.qname}> ends`;
      throw new XacmlSyntaxError(
        `Invalid XACML Policy: ${name} is missing in <${this.parent.qname}> (${found})`,
        next?.line ?? this.parent.line,
      );
    }
    return this.parent.children[this.index++]!;
  }

  optional(name: string): Element | undefined {
    return this.at(name) ? this.take(name) : undefined;
  }

  /** One or more `name` elements in a row. */
  some(name: string): Element[] {
    const elements = [this.take(name)];
    while (this.at(name)) elements.push(this.take(name));
    return elements;
  }

  end(): void {
    const next = this.parent.children[this.index];
    if (next) {
      throw new XacmlSyntaxError(
        `unexpected <${next.qname}> in <${this.parent.qname}>${next.ns === XACML_NAMESPACE ? "" : ` (namespace ${next.ns ? `"${next.ns}"` : "none"}, expected "${XACML_NAMESPACE}")`}`,
        next.line,
      );
    }
  }
}

export function required(element: Element, attribute: string): string {
  const value = element.attrs[attribute];
  if (value === undefined || value === "") {
    throw new XacmlSyntaxError(
      `<${element.qname}> needs the attribute ${attribute} (${attribute} IsNullOrEmpty)`,
      element.line,
    );
  }
  return value;
}

/**
 * An element as data that does not depend on prefixes, attribute order or indentation: its
 * namespace and name, its attributes sorted (namespace declarations left out), trimmed text and
 * children in order.
 */
export function canonicalElement(element: Element): unknown {
  return [
    `${element.ns ?? ""}|${element.name}`,
    Object.entries(element.attrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    element.text.trim(),
    element.children.map(canonicalElement),
  ];
}
