"""The PDF edition's structure, and what print leaves out.

1. The LaTeX book gets the web edition's structure. Sphinx's own LaTeX writer
   takes the root document's title as the book's title and turns its sections
   into chapters; here the introduction stays one chapter, unnumbered as on the
   web (its figure is Fig. 1), chapters 1-8 keep their numbers, the appendices
   are lettered (Appendix A, ...) and the bibliography closes the book
   unnumbered, followed by the index (LaTeX's \\printindex; the web edition's
   page that links to its index is left out). The part captions of _toc.yml decide which is which.
2. Code a chapter folds away on the web (`hide-input`, `hide-cell`) is left
   out of the print edition: a reader cannot unfold paper.
"""

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

APPENDIX_PREFIX = "Appendix: "  # titles say so on the web; in print "Appendix A" does


def _raw(tex):
    return nodes.raw("", tex + "\n", format="latex")


class BookStructure(SphinxPostTransform):
    """Introduction, numbered chapters, lettered appendices, bibliography (see the module's note)."""

    builders = ("latex",)
    default_priority = 900

    def run(self):
        site_map = getattr(self.config, "external_site_map", None)
        if site_map is None or self.document.get("docname") != site_map.root.docname:
            return  # only the assembled book, not a single document
        intro = next((n for n in self.document.children if isinstance(n, nodes.section)), None)
        if intro is None:
            return
        numbered, appendices = set(), []
        for subtree in site_map.root.subtrees:
            (numbered.update if subtree.numbered else appendices.extend)(str(i) for i in subtree.items)
        back_matter = [a for a in appendices if "bibliograph" in a][-1:]
        appendices = [a for a in appendices if a not in back_matter]

        # The chapters Sphinx inlined in place of the root document's toctree, in order.
        chapters = [
            n
            for n in self.document.findall(addnodes.start_of_file)
            if not any(isinstance(p, addnodes.start_of_file) for p in _ancestors(n))
        ]
        for chapter in chapters:
            chapter.parent.remove(chapter)
        for wrapper in list(self.document.findall(nodes.compound)):
            if "toctree-wrapper" in wrapper["classes"] and not wrapper.children:
                wrapper.parent.remove(wrapper)

        # A section holding the whole book: its title is the one the writer skips as the
        # document title, so the introduction and every chapter are \chapter.
        book = nodes.section()
        book += nodes.title("", self.config.project)
        position = self.document.index(intro)
        self.document.remove(intro)
        book += _raw(r"\bookunnumbered")
        book += intro
        started_appendices = started_numbered = False
        for chapter in chapters:
            name = chapter["docname"]
            if _is_index_page(chapter):
                continue  # the web's link to the index; print has LaTeX's index (\printindex) at its end
            if name in numbered and not started_numbered:
                book += _raw(r"\booknumbered")
                started_numbered = True
            elif name in appendices and not started_appendices:
                book += _raw(r"\appendix\booknumbered")
                started_appendices = True
            elif name in back_matter:
                book += _raw(r"\bookunnumbered")
            if name in appendices:
                _drop_title_prefix(chapter, APPENDIX_PREFIX)
            book += chapter
        self.document.insert(position, book)


INDEX_PAGE_LABEL = "book-index"  # chapters/appendix-index.md: (book-index)=


def _is_index_page(chapter):
    section = next(chapter.findall(nodes.section), None)
    return section is not None and INDEX_PAGE_LABEL in section.get("ids", [])


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def _drop_title_prefix(chapter, prefix):
    section = next(chapter.findall(nodes.section), None)
    title = section[0] if section is not None and section.children else None
    if isinstance(title, nodes.title) and isinstance(title[0], nodes.Text) and title[0].startswith(prefix):
        rest = str(title[0])[len(prefix) :]
        title.replace(title[0], nodes.Text(rest[:1].upper() + rest[1:]))


class DropFoldedCode(SphinxPostTransform):
    """Leave out the input of cells tagged hide-input or hide-cell (their outputs stay)."""

    builders = ("latex",)
    default_priority = 100

    def run(self):
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") == "cell_code" and cell.get("hide_mode") in ("all", "input", "input+output"):
                for child in list(cell.children):
                    if child.get("nb_element") == "cell_code_source":
                        cell.remove(child)


def setup(app):
    app.add_post_transform(BookStructure)
    app.add_post_transform(DropFoldedCode)
