"""`{% per_generation "name" key... %}…{% endper_generation %}`: a piece of the site shell rendered once per
page-cache generation, per host and per key, in each process, instead of on every page.

Every page repeats the same menu, footer and asset links; rendering them costs about a millisecond per
page in template nodes (`{% url %}`, `{% static %}`, loops over the navigation). Their markup depends
only on published content (the site contacts of the request's host, read once per generation by
`portal.context.site_shell`) and on the keys the template names (the menu: which item is the current
page or section), so a bump that retires cached pages retires these pieces too.

Wrap only markup that depends on nothing else: never a `{% block %}` (a child template may replace it),
the signed-in user, the CSRF token or anything a view puts in its context. Without the shell's context
(a template rendered without a request), or with DEBUG on (a development server, where templates change
under it), the piece is rendered every time.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Pieces kept per host and generation: the menu has one per navigation state (a few dozen at most).
MAX_PIECES = 256


class PerGenerationNode(template.Node):
    # Django walks every node of a base template on each render of a page that extends it, looking for
    # its {% block %}s (ExtendsNode.render): a fifth of the shell's render. A piece holds no block (the tag
    # refuses one), so the walk need not enter it.
    child_nodelists = ()

    def __init__(self, name: str, keys: list[FilterExpression], nodelist: NodeList) -> None:
        self.name = name
        self.keys = keys
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        pieces: dict[tuple[Any, ...], SafeString] | None = context.get("shell_pieces")
        if pieces is None or settings.DEBUG:
            return mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered by the template engine)
        key = (self.name, *(expression.resolve(context) for expression in self.keys))
        piece = pieces.get(key)
        if piece is None:
            piece = mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered by the template engine)
            if len(pieces) < MAX_PIECES:
                pieces[key] = piece
        return piece


@register.tag("per_generation")
def per_generation(parser: Parser, token: Token) -> PerGenerationNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a quoted name, then the keys of the piece")
    nodelist = parser.parse(("endper_generation",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(f"{bits[0]} must not wrap a block: a child template may change it")
    return PerGenerationNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
