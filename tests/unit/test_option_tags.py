"""The picker's <option>s, built once per cached list: the same HTML a Jinja loop over the
list writes, hostile names escaped alike; kept with the list, made afresh for a new one."""

from __future__ import annotations

from jinja2 import Environment

from webapp.floqer.models import FieldOption
from webapp.web.views import Picker

HOSTILE = [
    FieldOption(value="Account", label="Account"),
    FieldOption(value='Evil"__c', label='<script>alert("x")</script>'),
    FieldOption(value="Tpl__c", label="{{ config.items() }} {% raw %}"),
    FieldOption(value="Amp__c", label="Tom & Jerry's <b>"),
]
LOOP = (
    '{% for option in objects %}<option value="{{ option.value }}">{{ option.label }}'
    "</option>{% endfor %}"
)


def test_built_options_are_the_html_a_jinja_loop_writes() -> None:
    expected = Environment(autoescape=True).from_string(LOOP).render(objects=HOSTILE)
    built = Picker(HOSTILE).datalist
    assert str(built) == expected
    assert "<script>" not in built
    assert "&lt;script&gt;" in built
    assert 'value="Evil&#34;__c"' in built


def test_built_options_are_kept_with_their_list_and_made_again_for_another() -> None:
    first = Picker(HOSTILE).datalist
    assert Picker(HOSTILE).datalist is first  # the same cached list: built once
    other = [*HOSTILE[:1], FieldOption(value="Lead", label="Lead")]
    assert ">Lead</option>" in Picker(other).datalist
    assert ">Lead</option>" not in Picker(HOSTILE).datalist
