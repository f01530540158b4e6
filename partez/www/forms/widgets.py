"""A select rendered in Python: Django's Select renders one template per option, which made
the list and household pages spend several milliseconds on their drop-downs."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, " selected" if str(option_value) in selected else "", label)
                for option_value, label in self._flat_choices()
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)

    def _flat_choices(self):
        for option_value, label in self.choices:
            value = getattr(option_value, "value", option_value)  # ModelChoiceIteratorValue
            yield ("" if value is None else value), label
