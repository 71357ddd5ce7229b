#!/usr/bin/env python3
"""htmlcheck.py FILE - is FILE one self-contained, well-formed HTML5 page?

Parsed with Python's html.parser; checked on top of what that parser
accepts: the doctype comes first; every element but the void ones is
closed, in order (SVG elements may close themselves with "/>"); ids are
unique; nothing is loaded from elsewhere (no src=, no <link>, no http
reference); entities are known; the charts are there: at least two <svg>
with <rect> bars.  Prints one line per problem, exits 1 if there is one.
"""
import html.entities
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
SVG = {"svg", "g", "rect", "line", "text", "title", "path", "circle",
       "polyline", "tspan"}


class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.stack, self.ids, self.errors = [], set(), []
        self.doctype = None
        self.first = True
        self.count = {}

    def err(self, msg):
        line, col = self.getpos()
        self.errors.append("%d:%d: %s" % (line, col + 1, msg))

    def handle_decl(self, decl):
        if self.first and decl.lower() == "doctype html":
            self.doctype = decl
        elif decl.lower().startswith("doctype"):
            self.err("doctype is not the HTML5 one first: " + decl)

    def attrs(self, tag, attrs):
        for k, v in attrs:
            if k == "id":
                if v in self.ids:
                    self.err("duplicate id " + v)
                self.ids.add(v)
            if k in ("src", "srcset") or (v and "http" in v and k == "href"):
                self.err("external reference %s=%s on <%s>" % (k, v, tag))
        if tag == "link":
            self.err("<link> loads something")

    def handle_starttag(self, tag, attrs):
        self.first = False
        self.count[tag] = self.count.get(tag, 0) + 1
        self.attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.first = False
        self.count[tag] = self.count.get(tag, 0) + 1
        self.attrs(tag, attrs)
        if tag not in VOID and tag not in SVG:
            self.err("<%s/> is not a void element" % tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.err("</%s> closes a void element" % tag)
        elif not self.stack or self.stack[-1] != tag:
            self.err("</%s> does not close <%s>" %
                     (tag, self.stack[-1] if self.stack else "nothing"))
        else:
            self.stack.pop()

    def handle_entityref(self, name):
        if name not in html.entities.name2codepoint:
            self.err("unknown entity &%s;" % name)

    def handle_data(self, data):
        if self.first and data.strip():
            self.first = False


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    c = Check()
    c.feed(text)
    c.close()
    if not c.doctype:
        c.err("no <!DOCTYPE html> first")
    if c.stack:
        c.err("unclosed: " + " ".join(c.stack))
    if "http://" in text or "https://" in text:
        c.err("an http reference")
    for tag, least in (("html", 1), ("head", 1), ("title", 1), ("body", 1),
                       ("svg", 2), ("rect", 2), ("table", 1)):
        if c.count.get(tag, 0) < least:
            c.err("fewer than %d <%s>" % (least, tag))
    for e in c.errors:
        print("%s:%s" % (sys.argv[1], e))
    sys.exit(1 if c.errors else 0)


main()
