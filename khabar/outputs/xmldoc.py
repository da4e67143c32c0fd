"""XML documents for feeds and sitemaps: built as ElementTree elements, written the same way on every build."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# Characters XML 1.0 cannot carry at all, not even escaped; a stray control character in an article must not make
# a feed that readers reject.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    """A new element under `parent`; its text and attributes are escaped when written."""
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def document(root: ET.Element) -> bytes:
    """The UTF-8 bytes of a whole document, indented for people who open it, ending in a newline."""
    ET.indent(root)
    body = _NOT_XML.sub("", ET.tostring(root, encoding="unicode"))
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'.encode("utf-8")
