"""A reader of Grafana Alloy configuration (the River syntax) sufficient to
follow a rendered configuration's components: blocks, their labels,
attributes and nested blocks. Values are kept as source text, with helpers to
read strings, lists of strings, the keys of an object literal and component
references.

parse(text) -> [Block]; Block(name, label, attrs {name: text}, blocks [Block]).
"""
import re

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


class Block:
    def __init__(self, name, label):
        self.name, self.label, self.attrs, self.blocks = name, label, {}, []

    def children(self, name):
        return [b for b in self.blocks if b.name == name]

    def descendants(self):
        """Every block nested in this one, at any depth."""
        for b in self.blocks:
            yield b
            yield from b.descendants()

    def __repr__(self):
        return f"Block({self.name!r}, {self.label!r})"


def _strip_comments(text):
    out, i = [], 0
    while i < len(text):
        m = _STRING.match(text, i)
        if m:
            out.append(m.group(0))
            i = m.end()
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = len(text) if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = len(text) if j < 0 else j + 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _value_end(text, i):
    """The end of the attribute value starting at i: the end of its line
    outside brackets and strings."""
    depth = 0
    while i < len(text):
        m = _STRING.match(text, i)
        if m:
            i = m.end()
            continue
        c = text[i]
        if c in "[{(":
            depth += 1
        elif c in "]})":
            if depth == 0:
                return i
            depth -= 1
        elif c == "\n" and depth == 0:
            return i
        i += 1
    return i


def _body(text, i, block):
    """Parses block contents from i up to the closing brace; returns the
    index after it."""
    while True:
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text):
            return i
        if text[i] == "}":
            return i + 1
        m = _IDENT.match(text, i)
        if not m:
            raise ValueError(f"unexpected {text[i:i + 30]!r}")
        name, i = m.group(0), m.end()
        while text[i] in " \t":
            i += 1
        if text[i] == "=":
            start = i + 1
            end = _value_end(text, start)
            block.attrs[name] = text[start:end].strip()
            i = end
            continue
        label = None
        s = _STRING.match(text, i)
        if s:
            label = s.group(0)[1:-1]
            i = s.end()
            while text[i] in " \t":
                i += 1
        if text[i] != "{":
            raise ValueError(f"expected {{ after {name}")
        child = Block(name, label)
        block.blocks.append(child)
        i = _body(text, i + 1, child)


def parse(text):
    root = Block("", None)
    _body(_strip_comments(text) + "\n}", 0, root)
    return root.blocks


def string(value):
    """The string a literal denotes ("x" or `x`); None for anything else."""
    if value is None:
        return None
    value = value.strip()
    m = _STRING.fullmatch(value)
    if not m:
        return None
    return value[1:-1] if value[0] == "`" else re.sub(r"\\(.)", r"\1", value[1:-1])


def strings(value):
    """Every string literal in a value (a list of strings gives its items)."""
    return [string(m.group(0)) for m in _STRING.finditer(value or "")]


def object_keys(value):
    """The keys of an object literal { "k" = v, k2 = v }."""
    body = (value or "").strip()
    if not body.startswith("{"):
        return []
    keys = []
    for m in re.finditer(r'(?:^|[{,\n])\s*("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*)\s*=', body):
        k = m.group(1)
        keys.append(k[1:-1] if k.startswith('"') else k)
    return keys


def references(value):
    """Component references (discovery.relabel.pods.output -> ("discovery.relabel", "pods", "output"))."""
    out = []
    for m in re.finditer(r"\b([a-z_]+(?:\.[a-z_]+)+)\.([A-Za-z0-9_]+)\.([a-z_]+)\b", value or ""):
        out.append((m.group(1), m.group(2), m.group(3)))
    return out


def components(blocks):
    """{(name, label): Block} of the top-level components."""
    return {(b.name, b.label): b for b in blocks}
