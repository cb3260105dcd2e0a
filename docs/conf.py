"""Sphinx configuration for the fraudnum documentation.

Build (offline; warnings and broken references are errors)::

    python -m sphinx -W --keep-going -n -b html docs docs/_build/html

The docs document the *installed* package (the compiled modules exist only there),
so install fraudnum first. Two small local extensions live at the bottom of this file:

* ``fraudnum-modules``, a directive that documents every public module of the package,
  found at build time, so a new module appears in the API reference without an edit here;
* signatures for the compiled modules read from their ``.pyi`` stubs, so ``DigitTrie``
  and ``KeywordAutomaton`` show typed signatures like the pure-Python modules do.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode, nested_parse_with_titles

import fraudnum

project = "fraudnum"
author = "fraudnum maintainers"
copyright = "fraudnum maintainers"
release = fraudnum.__version__
version = release
data_version = fraudnum.data_version()

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "requirements.txt"]
language = "en"

# --- MyST --------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "substitution", "fieldlist"]
myst_heading_anchors = 3
myst_substitutions = {"version": release, "data_version": data_version}

# --- warnings: the build must be clean ----------------------------------------
nitpicky = True
# No intersphinx: the build runs offline. References to other projects' objects in
# signatures stay as plain text instead of failing the build.
nitpick_ignore_regex = [
    (r"py:.*", r"(collections\.abc|typing|typing_extensions|os|re|enum|datetime|pathlib)\..*"),
    (r"py:.*", r"argparse\..*"),
    (r"py:.*", r"(attrs|attr|hypothesis|phonenumbers)(\..*)?"),
    # numpy's array types in fraudnum.tags signatures; the tag format's internals.
    (r"py:.*", r"(numpy|np|npt)(\..*)?"),
    # fraudnum.arrow and fraudnum.spark: the optional engines' own types.
    (r"py:.*", r"(pyarrow|pa|pyspark|DataFrame)(\..*)?"),
    (r"py:.*", r"fraudnum\.tags\.format(\..*)?"),
    (r"py:.*", r"(Path|PathLike|datetime|tzinfo|timezone|Pattern|Match|TextIO)"),
    # The pure-Python twins of the compiled modules: same API, documented once.
    (r"py:mod", r"fraudnum\._py(trie|automaton)"),
]

# --- the index's table of contents ---------------------------------------------
#: Pages the index lists that may not exist yet (written alongside other features);
#: a missing one is left out of the toctree instead of failing the build.
OPTIONAL_PAGES = frozenset({"sms", "reporting", "strategies", "performance"})
#: The toctree line replaced by every page that no toctree names, so a new page is in
#: the site (at the end) without an edit here.
OTHER_PAGES_MARKER = "...other pages"

# --- autodoc -------------------------------------------------------------------
autodoc_default_options = {
    "members": True,
    "undoc-members": True,
    "show-inheritance": True,
    "member-order": "bysource",
}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
autoclass_content = "class"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True
# attrs fields are documented by autodoc already; an "Attributes:" section becomes
# :ivar: fields rather than a second description of the same attribute.
napoleon_use_ivar = True

# --- doctest (the quick start runs as written) ---------------------------------
doctest_global_setup = "import fraudnum"
doctest_test_doctest_blocks = ""

# --- HTML ----------------------------------------------------------------------
html_theme = "furo"
html_title = f"fraudnum {release}"
html_static_path: list[str] = []
html_show_sourcelink = False

# ------------------------------------------------------------------------------
# Local extension: the public modules, found at build time.
# ------------------------------------------------------------------------------

#: Compiled modules documented from their stubs, with the module their twin lives in.
COMPILED_MODULES = ("fraudnum._trie", "fraudnum._automaton")


def public_modules() -> list[str]:
    """Every public submodule of the installed package (no leading underscore).

    Old module paths kept as re-exports for a release (they set ``__moved_to__``)
    are left out: their names are documented where they live now.
    """
    names = []
    for m in pkgutil.walk_packages(fraudnum.__path__, prefix="fraudnum."):
        if any(part.startswith("_") for part in m.name.split(".")[1:]):
            continue
        if getattr(importlib.import_module(m.name), "__moved_to__", None):
            continue
        names.append(m.name)
    return sorted(names)


def documented_at(module: Any) -> dict[str, str]:
    """Names of ``module`` that a package above it re-exports: name -> where documented.

    The top-level package first, then the module's own parent packages
    (``fraudnum.tags.format.TagStoreError`` is documented as ``fraudnum.tags.TagStoreError``).
    """
    parts = module.__name__.split(".")
    owners = [".".join(parts[:i]) for i in range(1, len(parts))]
    out: dict[str, str] = {}
    for owner_name in owners:
        owner = importlib.import_module(owner_name)
        for name in getattr(owner, "__all__", ()):
            obj = getattr(owner, name, None)
            if name not in out and obj is not None and getattr(module, name, None) is obj:
                out[name] = owner_name
    return out


def _reexported(module: Any) -> set[str]:
    """Names of ``module`` documented under a package above it."""
    return set(documented_at(module))


def _own_public_names(module: Any) -> list[str]:
    """``__all__``, else the public names the module defines itself."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            n
            for n, v in vars(module).items()
            if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__
        ]
    return list(names)


def _auto_directive(obj: Any) -> str:
    if isinstance(obj, type):
        return "autoexception" if issubclass(obj, BaseException) else "autoclass"
    if callable(obj):
        return "autofunction"
    return "autodata"


class FraudnumModules(SphinxDirective):
    """Emit one section with ``automodule`` per public module (and the compiled core)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Parse the generated Markdown into this document."""
        lines: list[str] = []
        for name in [*public_modules(), *COMPILED_MODULES]:
            try:
                module = importlib.import_module(name)
            except ImportError as e:  # an optional dependency (hypothesis) is missing
                raise self.error(f"cannot import {name} to document it: {e}") from e
            # api.md is MyST: a nested parse there reads Markdown, and autodoc's output is
            # reStructuredText, so each automodule goes in an eval-rst block.
            lines += [f"## `{name}`", "", "```{eval-rst}", f".. automodule:: {name}"]
            skip = sorted(_reexported(module))
            if name in COMPILED_MODULES:
                # Classes one by one, with the stub's signature given explicitly: autodoc
                # cannot introspect a Cython __init__ (and preserve_defaults trips on it).
                classes = [k for k, v in _stub_for_module(name).items() if v[2] == "class"]
                lines += ["   :no-members:", ""]
                for cls in classes:
                    args = _stub_for_module(name)[cls][0]
                    lines += [f".. autoclass:: {name}.{cls}{args}", ""]
            elif name.count(".") == 1 and getattr(fraudnum, name[9:], module) is not module:
                # The package attribute of that name is not this module (``fraudnum.report``
                # is the function): a module entry would clash with it, so the module's text
                # is shown unindexed and its members one by one.
                lines += ["   :no-index:", "   :no-members:", "", f".. currentmodule:: {name}", ""]
                for member in _own_public_names(module):
                    if member not in skip:
                        lines += [f".. {_auto_directive(getattr(module, member))}:: {member}", ""]
            elif skip:
                lines += [f"   :exclude-members: {', '.join(skip)}"]
            lines += ["```", ""]
            if skip:
                where = documented_at(module)
                refs = [f"{{py:obj}}`~{where[n]}.{n}`" for n in skip]
                lines += [f"Also defined here, documented above: {', '.join(refs)}.", ""]
        content = StringList(lines, source=self.get_source_info()[0])
        node = nodes.section()
        node.document = self.state.document
        nested_parse_with_titles(self.state, content, node)
        return node.children


# ------------------------------------------------------------------------------
# Local extension: signatures of the compiled modules from their .pyi stubs.
# ------------------------------------------------------------------------------


def _stub_signatures(modname: str) -> dict[str, tuple[str, str | None, str]]:
    """Map ``Class.method`` (and ``Class`` for ``__init__``) to ``(args, return)`` from the stub."""
    spec = importlib.util.find_spec(modname)
    if spec is None or spec.origin is None:
        return {}
    # Beside the compiled module, or (an editable install keeps the .so apart from the
    # sources) in the package's source folder.
    stub_name = modname.rpartition(".")[2] + ".pyi"
    package, _, _ = modname.rpartition(".")
    folders = [Path(spec.origin).parent]
    parent = importlib.import_module(package)
    folders += [Path(p) for p in parent.__path__]
    stubs = [f / stub_name for f in folders if (f / stub_name).exists()]
    if not stubs:
        return {}
    stub = stubs[0]
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, str | None, str]] = {}

    def fmt(fn: ast.FunctionDef, drop_self: bool, what: str) -> tuple[str, str | None, str]:
        args = fn.args
        if drop_self and args.args:
            args = ast.arguments(
                posonlyargs=args.posonlyargs,
                args=args.args[1:],
                vararg=args.vararg,
                kwonlyargs=args.kwonlyargs,
                kw_defaults=args.kw_defaults,
                kwarg=args.kwarg,
                defaults=args.defaults,
            )
        ret = ast.unparse(fn.returns) if fn.returns is not None else None
        return f"({ast.unparse(args)})", ret, what

    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            out[node.name] = fmt(node, drop_self=False, what="function")
        elif isinstance(node, ast.ClassDef):
            out[node.name] = ("", None, "class")
            for item in node.body:
                if not isinstance(item, ast.FunctionDef):
                    continue
                is_prop = any(
                    isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list
                )
                if item.name == "__init__":
                    out[node.name] = fmt(item, drop_self=True, what="class")
                elif is_prop:
                    ret = ast.unparse(item.returns) if item.returns is not None else None
                    out[f"{node.name}.{item.name}"] = ("", ret, "property")
                else:
                    out[f"{node.name}.{item.name}"] = fmt(item, drop_self=True, what="method")
    return out


_STUBS: dict[str, dict[str, tuple[str, str | None, str]]] = {}


def _stub_for_module(modname: str) -> dict[str, tuple[str, str | None, str]]:
    if modname not in _STUBS:
        _STUBS[modname] = _stub_signatures(modname)
    return _STUBS[modname]


def _stub_for(fullname: str) -> tuple[str, str | None, str] | None:
    for mod in COMPILED_MODULES:
        if fullname.startswith(mod + "."):
            return _stub_for_module(mod).get(fullname[len(mod) + 1 :])
    return None


def _process_signature(
    app: Sphinx,
    what: str,
    name: str,
    obj: Any,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str | None, str | None] | None:
    if what not in {"class", "method", "function"}:
        return None
    found = _stub_for(name)
    if found is None or found[2] == "class":  # classes get theirs in the directive
        return None
    return found[0], found[1]


def _property_types(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Add the stub's type to a compiled property's docstring (autodoc cannot see it)."""
    if what not in {"attribute", "property"}:
        return
    found = _stub_for(name)
    if found is not None and found[1]:
        lines.extend(["", f"Type: ``{found[1]}``"])


#: Text that cannot be a type annotation: words with spaces, no ``|`` or brackets.
_PROSE = re.compile(r"^[A-Z][^:|\[\]]*\s[^:|\[\]]*$")


def _no_prose_type(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Undo napoleon reading "What it is: details" as ``type: description``.

    Napoleon takes the text before the first colon of an attribute's docstring as its
    type. Our attributes carry real annotations and prose docstrings, so a ``:type:``
    that reads like prose ("What to do about this number") goes back into the text.
    """
    if what not in {"attribute", "data", "property"}:
        return
    for i, line in enumerate(lines):
        if line.startswith(":type: ") and _PROSE.match(line[len(":type: ") :]):
            prose = line[len(":type: ") :]
            del lines[i]
            if i > 0 and not lines[i - 1].strip():
                del lines[i - 1]
            first = next((j for j, t in enumerate(lines) if t.strip()), None)
            if first is None:
                lines.append(prose)
            else:
                lines[first] = f"{prose}: {lines[first].lstrip()}"
            return


def _resolve_unique_suffix(
    app: Sphinx, env: Any, node: Any, contnode: nodes.Element
) -> nodes.Element | None:
    """Resolve a short Python reference when exactly one documented object ends with it.

    Docstrings name objects the way their own module sees them (``DigitTrie`` in
    ``engine``, ``fraudnum.advice.advice_for`` for a function documented under
    ``fraudnum``). When the exact name is not documented, the last component decides,
    and only if it picks out one object; anything else stays a broken reference.
    """
    if node.get("refdomain") != "py":
        return None
    domain = env.get_domain("py")
    objtypes = set(domain.objtypes_for_role(node["reftype"]) or ())
    target = node["reftarget"].lstrip("~.")
    last = target.rpartition(".")[2]
    found = {
        name: entry
        for name, entry in domain.objects.items()
        if entry.objtype in objtypes
        and not entry.aliased
        and (name == target or name.endswith("." + last))
    }
    if len(found) != 1:
        return None
    ((name, entry),) = found.items()
    return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, name)


def _index_toctree(app: Sphinx, docname: str, source: list[str]) -> None:
    """Drop optional pages that do not exist from the index and append unlisted pages."""
    if docname != root_doc:
        return
    found = set(app.env.found_docs)
    lines = source[0].splitlines()
    listed = {line.strip() for line in lines}
    out: list[str] = []
    for line in lines:
        entry = line.strip()
        if entry in OPTIONAL_PAGES and entry not in found:
            continue
        if entry == OTHER_PAGES_MARKER:
            out.extend(sorted(found - listed - {root_doc}))
            continue
        out.append(line)
    source[0] = "\n".join(out) + "\n"


def _always_reread_index(
    app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """The index depends on which pages exist, so it is read again on every build."""
    return [root_doc]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the local directive and hooks."""
    app.add_directive("fraudnum-modules", FraudnumModules)
    app.connect("source-read", _index_toctree)
    app.connect("env-get-outdated", _always_reread_index)
    app.connect("autodoc-process-signature", _process_signature)
    app.connect("autodoc-process-docstring", _property_types)
    # After napoleon (priority 500) has rewritten the docstring.
    app.connect("autodoc-process-docstring", _no_prose_type, priority=600)
    app.connect("missing-reference", _resolve_unique_suffix)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
