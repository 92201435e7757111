"""The fields' guide the page carries for its row helpers: Setup's words for types, why a
field cannot be set, defaults left out, safe to put in HTML, and made once per options list."""

from __future__ import annotations

import json

from webapp.floqer.models import FieldOption
from webapp.services.browse import ReferenceChoice
from webapp.services.field_guide import field_entry, guide_json, locked_because, type_summary


def test_types_read_as_setup_writes_them() -> None:
    assert type_summary({"type": "string", "length": 80}) == "Text(80)"
    assert type_summary({"type": "double", "precision": 18, "scale": 2}) == "Number(16, 2)"
    assert type_summary({"type": "reference", "referenceTo": ["Account"]}) == "Lookup(Account)"
    assert type_summary({"type": "string", "calculated": True}) == "Formula (Text)"
    assert type_summary({"type": "string", "autoNumber": True}) == "Auto Number"
    assert type_summary({"type": "brandnew"}) == "Brandnew"
    assert type_summary({"type": 5, "length": "x"}) == ""  # metadata of another shape: none


def test_why_a_field_cannot_be_set() -> None:
    assert locked_because({"calculated": True}).startswith("formula")
    assert locked_because({"autoNumber": True}).startswith("auto-number")
    assert locked_because({"createable": False, "updateable": False}) == "read-only"
    assert locked_because({"createable": True, "updateable": False}) == ""
    assert locked_because({"createable": "no"}) == ""


def test_an_entry_leaves_out_what_is_at_its_default() -> None:
    plain = FieldOption(value="Notes__c", label="Notes__c", extras={"type": "string"})
    assert field_entry(plain) == {"name": "Notes__c", "summary": "Text", "custom": True}
    status = FieldOption(
        value="Status",
        label="Status",
        extras={
            "type": "picklist",
            "required": True,
            "restrictedPicklist": True,
            "picklistValues": [
                {"value": "Open", "active": True},
                {"value": "Old", "active": False},
                {"nope": 1},
            ],
        },
    )
    assert field_entry(status) == {
        "name": "Status",
        "summary": "Picklist",
        "editor": "picklist",
        "required": True,
        "values": ["Open"],
        "restricted": True,
    }


def test_the_guide_is_json_with_nothing_html_would_read_as_markup() -> None:
    fields = [FieldOption(value="A__c", label="</template><script>x</script> & co")]
    refs = [ReferenceChoice("{{input.a}}", "a<b>", "Input columns")]
    text = guide_json("Lead", fields, refs)
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    guide = json.loads(text)
    assert guide["fields"][0]["label"] == "</template><script>x</script> & co"
    assert guide["references"] == [
        {"token": "{{input.a}}", "label": "a<b>", "group": "Input columns"}
    ]


def test_the_fields_part_is_made_once_per_list_and_a_new_list_is_read_anew() -> None:
    fields = [FieldOption(value="A__c", label="A")]
    first = guide_json("Lead", fields, [])
    fields.append(FieldOption(value="B__c", label="B"))  # the same list: the made one stands
    assert guide_json("Lead", fields, []) == first
    assert "B__c" in guide_json("Lead", list(fields), [])
