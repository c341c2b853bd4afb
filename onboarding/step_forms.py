"""One form class per `Step.form_kind`, and the registry `FORM_KINDS`.

Each form validates one step and turns its cleaned data into answers that are safe to keep: the
portal never asks for a document number, password, PIN, SMS code or card number, and free text
that looks like a card number is refused. Adding a kind is one class and one entry in FORM_KINDS.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import babel
import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from phonenumber_field.formfields import SplitPhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber

from onboarding.content import StepInfo

Answers = Mapping[str, Any]

# Runs of 13-19 digits, allowing the spaces and dashes people type between groups.
_DIGIT_RUN = re.compile(r"\d(?:[ -]?\d){12,18}")


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check that payment card numbers use."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def looks_like_card_number(text: str) -> bool:
    """Whether text holds 13-19 digits (spaces and dashes allowed) that pass the Luhn check."""
    for match in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            return True
    return False


def refuse_card_numbers(text: str) -> None:
    """Validator for free text: never store anything that looks like a payment card number."""
    if looks_like_card_number(text):
        raise ValidationError(
            "This looks like a card number. Remove it: this site never needs your card number.",
            code="card_number",
        )


def mask_phone(e164: str) -> str:
    """A phone number with all but its last four digits hidden, e.g. +44 •••• ••0123."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return "••••"
    national = str(number.national_number)
    hidden = "•" * max(len(national) - 4, 0)
    masked = hidden + national[-4:]
    return f"+{number.country_code} {masked[:4]} {masked[4:]}".rstrip()


@functools.cache
def country_choices() -> tuple[tuple[str, str], ...]:
    """Countries and territories by ISO 3166 code, named in English (computed once)."""
    names = babel.Locale("en").territories
    return tuple(
        sorted(
            ((code, name) for code, name in names.items() if len(code) == 2 and code.isalpha()),
            key=lambda choice: choice[1],
        )
    )


def issuing_country_choices() -> tuple[tuple[str, str], ...]:
    return (("", "Choose a country"), *country_choices())


@functools.cache
def phone_prefix_choices() -> tuple[tuple[str, str], ...]:
    """Countries with their dialling codes, e.g. ("GB", "United Kingdom +44"), computed once."""
    choices = [
        (region, f"{name} +{phonenumbers.country_code_for_region(region)}")
        for region, name in country_choices()
        if phonenumbers.country_code_for_region(region)
    ]
    return (("", "Choose a country"), *choices)


class LongSelect(forms.Select):
    """A select whose options are rendered in Python, once per choice list.

    Django renders every <option> through a template; for the 250 countries that costs more
    than the rest of the page together.
    """

    template_name = "onboarding/forms/long_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Widget's context, not ChoiceWidget's: its optgroups are what we avoid building.
        context = forms.Widget.get_context(self, name, value, attrs)
        selected = set(context["widget"]["value"])
        context["widget"]["options"] = mark_safe(
            "".join(
                _option_html(option_value, label, option_value in selected)
                for option_value, label in self.choices
            )
        )
        return context


@functools.cache
def _option_html(value: str, label: str, selected: bool) -> str:
    return format_html(
        '<option value="{}"{}>{}</option>', value, mark_safe(" selected") if selected else "", label
    )


class StepForm(forms.Form):
    """A step's form: validates, and turns cleaned data into answers to keep."""

    kind: ClassVar[str]
    template_name = "onboarding/forms/step_form.html"
    note = forms.CharField(
        label="A note for yourself (optional)",
        help_text="For example, which email address you used. Never a password or card number.",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[refuse_card_numbers],
    )

    def __init__(self, *args: Any, step: StepInfo, **kwargs: Any) -> None:
        self.step = step
        super().__init__(*args, **kwargs)
        # The note goes last, after the step's own questions.
        self.order_fields([name for name in self.fields if name != "note"] + ["note"])

    def to_answers(self) -> dict[str, Any]:
        """The cleaned data as JSON-safe answers (a subclass adds its own fields)."""
        return {"note": self.cleaned_data["note"]} if self.cleaned_data.get("note") else {}

    def steering_answers(self) -> dict[str, Any]:
        """Answers that decide which later steps apply (see conditions.py)."""
        return {}

    def warnings(self) -> list[str]:
        """Things to point out about valid answers, shown but not blocking."""
        return []

    @classmethod
    def initial_from(cls, answers: Answers) -> dict[str, Any]:
        """Form initial data from saved answers, so a returning person sees what they gave."""
        return {"note": answers.get("note", "")}

    @classmethod
    def summary_of(cls, answers: Answers) -> list[tuple[str, str]]:
        """(question, answer) pairs for the check-your-answers page."""
        return [("Your note", answers["note"])] if answers.get("note") else []


class ReadForm(StepForm):
    kind = "read"
    confirmed = forms.BooleanField(
        label="I've done this step",
        error_messages={"required": "Tick the box to say you've done this step."},
    )

    @classmethod
    def summary_of(cls, answers: Answers) -> list[tuple[str, str]]:
        return [("Done", "Yes"), *super().summary_of(answers)]


class ChecklistForm(StepForm):
    kind = "checklist"

    def __init__(self, *args: Any, step: StepInfo, **kwargs: Any) -> None:
        self.checklist_fields = {f"item_{item.id}": item for item in step.checklist}
        super().__init__(*args, step=step, **kwargs)
        for name, item in self.checklist_fields.items():
            self.fields[name] = forms.BooleanField(
                label=item.text if item.required else f"{item.text} (optional)",
                required=item.required,
                error_messages={"required": f"Tick “{item.text}” when you have it."},
            )
        self.order_fields([*self.checklist_fields, "note"])

    def to_answers(self) -> dict[str, Any]:
        ticked = [
            item.id for name, item in self.checklist_fields.items() if self.cleaned_data[name]
        ]
        return {"ticked": ticked, **super().to_answers()}

    @classmethod
    def initial_from(cls, answers: Answers) -> dict[str, Any]:
        ticked = {f"item_{item_id}": True for item_id in answers.get("ticked", [])}
        return {**ticked, **super().initial_from(answers)}

    @classmethod
    def summary_of(cls, answers: Answers) -> list[tuple[str, str]]:
        count = len(answers.get("ticked", []))
        return [
            ("Ticked", f"{count} item{'s' if count != 1 else ''}"),
            *super().summary_of(answers),
        ]


class SituationForm(StepForm):
    kind = "situation"
    LOCATIONS: ClassVar[dict[str, str]] = {
        "outside": "Outside mainland China",
        "inside": "In mainland China",
    }
    location = forms.ChoiceField(
        label="Where are you now?",
        help_text="Hong Kong, Macao and Taiwan count as outside mainland China here.",
        choices=list(LOCATIONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where you are now."},
    )

    def to_answers(self) -> dict[str, Any]:
        return {"location": self.cleaned_data["location"], **super().to_answers()}

    def steering_answers(self) -> dict[str, Any]:
        return {"location": self.cleaned_data["location"]}

    @classmethod
    def initial_from(cls, answers: Answers) -> dict[str, Any]:
        return {"location": answers.get("location"), **super().initial_from(answers)}

    @classmethod
    def summary_of(cls, answers: Answers) -> list[tuple[str, str]]:
        where = cls.LOCATIONS.get(answers.get("location", ""), "Not given")
        return [("Where you are", where), *super().summary_of(answers)]


class MobileNumberField(SplitPhoneNumberField):
    """A country picker and a number, which must be a valid mobile number."""

    def prefix_field(self) -> forms.ChoiceField:
        # A callable keeps the 250 choices out of the per-form deep copy of the fields.
        return forms.ChoiceField(
            choices=phone_prefix_choices, widget=LongSelect(attrs={"aria-label": "Country"})
        )

    def number_field(self) -> forms.CharField:
        field = super().number_field()
        field.widget.attrs.update({"aria-label": "Mobile number", "autocomplete": "tel-national"})
        return field

    def clean(self, value: Any) -> Any:
        number = super().clean(value)
        if number and phonenumbers.number_type(number) not in {
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        }:
            raise ValidationError(
                "Enter a mobile number that can receive text messages, not a landline.",
                code="not_mobile",
            )
        return number


class ContactForm(StepForm):
    kind = "contact"
    mobile = MobileNumberField(
        label="The mobile number you gave Alipay",
        help_text="Choose the country, then type the number. We show it masked.",
        error_messages={"required": "Enter the mobile number you gave Alipay."},
    )
    email = forms.EmailField(
        label="The email address you gave Alipay (if it asked)",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )

    def to_answers(self) -> dict[str, Any]:
        answers = {"mobile": self.cleaned_data["mobile"].as_e164, **super().to_answers()}
        if self.cleaned_data["email"]:
            answers["email"] = self.cleaned_data["email"]
        return answers

    @classmethod
    def initial_from(cls, answers: Answers) -> dict[str, Any]:
        initial = super().initial_from(answers)
        if answers.get("mobile"):
            initial["mobile"] = PhoneNumber.from_string(answers["mobile"])
        initial["email"] = answers.get("email", "")
        return initial

    @classmethod
    def summary_of(cls, answers: Answers) -> list[tuple[str, str]]:
        rows = [("Mobile number", mask_phone(answers.get("mobile", "")))]
        if answers.get("email"):
            rows.append(("Email address", answers["email"]))
        return [*rows, *super().summary_of(answers)]


class IdentityForm(StepForm):
    kind = "identity"
    DOCUMENT_TYPES: ClassVar[dict[str, str]] = {
        "passport": "Passport",
        "other": "Another government photo ID",
    }
    document_type = forms.ChoiceField(
        label="Which document did you use?",
        choices=list(DOCUMENT_TYPES.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the document you used."},
    )
    issuing_country = forms.ChoiceField(
        label="Which country issued it?",
        choices=issuing_country_choices,
        widget=LongSelect,
        error_messages={"required": "Choose the country that issued your document."},
    )
    expiry_date = forms.DateField(
        label="When does it expire?",
        help_text="We never ask for the document number.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date your document expires.",
            "invalid": "Enter the expiry date as a real date, for example 2030-03-31.",
        },
    )

    def clean_expiry_date(self) -> datetime.date:
        expiry = self.cleaned_data["expiry_date"]
        if expiry < timezone.localdate():
            raise ValidationError(
                "This document has expired. Alipay needs a document that is still valid.",
                code="expired",
            )
        return expiry

    def warnings(self) -> list[str]:
        return self.expiry_warnings(self.cleaned_data["expiry_date"])

    @staticmethod
    def expiry_warnings(expiry: datetime.date) -> list[str]:
        """A warning when the document runs out within six months."""
        today = timezone.localdate()
        if expiry < _six_months_after(today):
            return [
                f"Your document expires on {expiry:%-d %B %Y}, within six months. Alipay may "
                "refuse it or ask again soon: consider renewing it first."
            ]
        return []

    def to_answers(self) -> dict[str, Any]:
        return {
            "document_type": self.cleaned_data["document_type"],
            "issuing_country": self.cleaned_data["issuing_country"],
            "expiry_date": self.cleaned_data["expiry_date"].isoformat(),
            **super().to_answers(),
        }

    @classmethod
    def initial_from(cls, answers: Answers) -> dict[str, Any]:
        return {
            "document_type": answers.get("document_type"),
            "issuing_country": answers.get("issuing_country"),
            "expiry_date": answers.get("expiry_date"),
            **super().initial_from(answers),
        }

    @classmethod
    def summary_of(cls, answers: Answers) -> list[tuple[str, str]]:
        country = babel.Locale("en").territories.get(answers.get("issuing_country", ""), "")
        return [
            ("Document", cls.DOCUMENT_TYPES.get(answers.get("document_type", ""), "")),
            ("Issued by", country),
            ("Expires", answers.get("expiry_date", "")),
            *super().summary_of(answers),
        ]


def _six_months_after(day: datetime.date) -> datetime.date:
    month = day.month + 6
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


class SecurityForm(StepForm):
    kind = "security"
    METHODS: ClassVar[dict[str, str]] = {
        "pin": "A payment PIN (支付密码)",
        "fingerprint": "Fingerprint",
        "face": "Face recognition",
    }
    methods = forms.MultipleChoiceField(
        label="Which protections did you set up?",
        help_text="Choose all that apply. We never ask for the PIN itself.",
        choices=list(METHODS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one protection you set up."},
    )

    def to_answers(self) -> dict[str, Any]:
        return {"methods": list(self.cleaned_data["methods"]), **super().to_answers()}

    @classmethod
    def initial_from(cls, answers: Answers) -> dict[str, Any]:
        return {"methods": answers.get("methods", []), **super().initial_from(answers)}

    @classmethod
    def summary_of(cls, answers: Answers) -> list[tuple[str, str]]:
        chosen = ", ".join(cls.METHODS.get(method, method) for method in answers.get("methods", []))
        return [("Protections", chosen), *super().summary_of(answers)]


class CardForm(StepForm):
    kind = "card"
    NETWORKS: ClassVar[dict[str, str]] = {
        "visa": "Visa",
        "mastercard": "Mastercard",
        "jcb": "JCB",
        "diners": "Diners Club",
        "discover": "Discover",
        "amex": "American Express",
        "unionpay": "UnionPay",
        "other": "Another card",
    }
    network = forms.ChoiceField(
        label="Which kind of card did you link?",
        help_text="We never ask for the card number.",
        choices=list(NETWORKS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of card you linked."},
    )

    def to_answers(self) -> dict[str, Any]:
        return {"network": self.cleaned_data["network"], **super().to_answers()}

    @classmethod
    def initial_from(cls, answers: Answers) -> dict[str, Any]:
        return {"network": answers.get("network"), **super().initial_from(answers)}

    @classmethod
    def summary_of(cls, answers: Answers) -> list[tuple[str, str]]:
        network = cls.NETWORKS.get(answers.get("network", ""), "")
        return [("Card", network), *super().summary_of(answers)]


FORM_KINDS: dict[str, tuple[str, type[StepForm]]] = {
    "read": ("Read and confirm", ReadForm),
    "checklist": ("Checklist", ChecklistForm),
    "situation": ("Where the person is", SituationForm),
    "contact": ("Mobile number and email", ContactForm),
    "identity": ("Identity document (type, country, expiry)", IdentityForm),
    "security": ("Protections set up", SecurityForm),
    "card": ("Card network linked", CardForm),
}


def form_kind_choices() -> list[tuple[str, str]]:
    """The form kinds as model-field choices, so an unknown kind cannot be saved."""
    return [(kind, label) for kind, (label, _) in FORM_KINDS.items()]


def form_class_for(kind: str) -> type[StepForm]:
    """The form class for a step's form kind."""
    return FORM_KINDS[kind][1]
