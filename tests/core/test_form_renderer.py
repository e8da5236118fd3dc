"""The quick select renderer writes exactly what Django's templates write."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates
from hypothesis import given, settings
from hypothesis import strategies as st

from rocu.core.form_renderer import FormRenderer

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
option = st.tuples(text, text)
choices = st.lists(st.one_of(option, st.tuples(text.filter(bool), st.lists(option, max_size=3))), max_size=6)


def _render(renderer: object, field: forms.Field, initial: object, attrs: dict[str, object]) -> str:
    class F(forms.Form):
        pass

    F.base_fields = {"pick": field}
    form = F(initial={"pick": initial}, renderer=renderer)
    return str(form["pick"].as_widget(attrs=attrs))


@settings(max_examples=150, deadline=None)
@given(
    choices=choices,
    multiple=st.booleans(),
    required=st.booleans(),
    initial=st.one_of(st.none(), text, st.lists(text, max_size=3)),
    attrs=st.dictionaries(
        st.sampled_from(["class", "aria-describedby", "data-x", "disabled"]), st.one_of(text, st.booleans()), max_size=3
    ),
)
def test_a_select_renders_exactly_as_djangos_templates(choices, multiple, required, initial, attrs):
    field_class = forms.MultipleChoiceField if multiple else forms.ChoiceField
    field = field_class(choices=choices, required=required)
    assert _render(FormRenderer(), field, initial, attrs) == _render(DjangoTemplates(), field, initial, attrs)


def test_other_widgets_still_render_through_templates():
    class F(forms.Form):
        name = forms.CharField()
        kinds = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)

    fast, slow = F(renderer=FormRenderer()), F(renderer=DjangoTemplates())
    assert str(fast["name"]) == str(slow["name"])
    assert str(fast["kinds"]) == str(slow["kinds"])
