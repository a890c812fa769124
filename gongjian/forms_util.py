from django import forms

from gongjian.errors import UserError


def add_user_error(form: forms.Form, exc: UserError) -> None:
    """Show a service's refusal beside the field it names, or above the form when it names none."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
