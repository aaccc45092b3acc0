"""Labs in: a FHIR R4 Bundle of Observations becomes the input fields of a clinical operation.

For each quantity an operation takes, the most recent Observation with a known LOINC code is used; its
value is converted to the engine's unit (UCUM codes only) and liver tests become multiples of the upper
limit of normal from `Observation.referenceRange`. Every value used is returned in `sources` with the
conversion written out. Cautious choices (docs/fhir.md):
- only results with status final, amended or corrected are read;
- when the most recent result of a quantity cannot be used (no number, an unknown unit, a liver test
  without its ULN, no date beside other results), the request is refused naming that resource: an older
  result is never used in its place;
- a field the caller gives in `input` wins over the Bundle, and the Observation is listed as not used;
- a multiple of ULN is rounded up (never down) to 3 decimals, so a threshold is never missed by rounding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any, Final

from pydantic import ValidationError

from besponsa.clinical.errors import FieldError, InvalidInput
from besponsa.fhir.quantities import CODES, FAMILIES, LOINC, UCUM, Code, Quantity, Unit, show, unit_of

__all__ = ["OPERATION_FIELDS", "TERM_QUANTITY", "Extraction", "extract", "parse_bundle"]

Json = dict[str, Any]

# Where each quantity goes in each operation's input (a dotted path).
OPERATION_FIELDS: Final[dict[str, dict[Quantity, str]]] = {
    "bsa": {Quantity.HEIGHT: "height_cm", Quantity.WEIGHT: "weight_kg"},
    "plan": {Quantity.HEIGHT: "height_cm", Quantity.WEIGHT: "weight_kg"},
    "course": {Quantity.HEIGHT: "height_cm", Quantity.WEIGHT: "weight_kg"},
    "modify": {
        Quantity.ANC: "labs.anc",
        Quantity.PLATELETS: "labs.platelets",
        Quantity.BILIRUBIN: "labs.total_bilirubin_x_uln",
        Quantity.AST: "labs.ast_x_uln",
        Quantity.ALT: "labs.alt_x_uln",
    },
    "assess": {Quantity.ANC: "anc", Quantity.PLATELETS: "platelets"},
    "qtc": {Quantity.QT: "qt_ms", Quantity.HEART_RATE: "heart_rate_bpm"},
    "grade": {},  # chosen by the input's `term` (TERM_QUANTITY)
}
# grade: the term names the one quantity read; its value goes to `value`, the range to `uln` or `lln`.
TERM_QUANTITY: Final[dict[str, Quantity]] = {
    "neutrophil_count_decreased": Quantity.ANC,
    "platelet_count_decreased": Quantity.PLATELETS,
    "ast_increased": Quantity.AST,
    "alt_increased": Quantity.ALT,
    "blood_bilirubin_increased": Quantity.BILIRUBIN,
    "qtc_prolonged": Quantity.QTC,
}
USABLE_STATUSES: Final = frozenset({"final", "amended", "corrected"})
RATIO_STEP: Final = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class Extraction:
    """The operation's input with the Bundle's values filled in, and the account of every Observation."""

    input: Json
    sources: list[Json]
    not_used: list[Json]


@dataclass(frozen=True, slots=True)
class _Candidate:
    where: str  # "bundle.entry[3].resource"
    observation: Any
    code: Code
    moment: dt.datetime | None


def _location(loc: tuple[Any, ...]) -> str:
    path = "bundle"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def parse_bundle(bundle: object) -> Any:
    """The validated R4B Bundle, or InvalidInput naming each bad element by its path."""
    from fhir.resources.R4B.bundle import Bundle  # imported here: the CLI's other commands stay fast

    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        raise InvalidInput(
            [{"field": "bundle", "message": 'must be a FHIR Bundle ("resourceType": "Bundle")'}]
        )
    try:
        return Bundle.model_validate(dict(bundle))
    except ValidationError as invalid:
        raise InvalidInput(
            [{"field": _location(error["loc"]), "message": error["msg"]} for error in invalid.errors()]
        ) from None


def _moment(observation: Any) -> dt.datetime | None:
    for value in (
        observation.effectiveDateTime,
        observation.effectiveInstant,
        observation.effectivePeriod
        and (observation.effectivePeriod.end or observation.effectivePeriod.start),
        observation.issued,
    ):
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return None


def _loinc_code(observation: Any) -> tuple[Code | None, list[str]]:
    seen = []
    for coding in observation.code.coding or []:
        seen.append(f"{coding.system or '(no system)'}|{coding.code}")
        if coding.system == LOINC and coding.code in CODES:
            return CODES[coding.code], seen
    return None, seen


def _unit_code(quantity_value: Any) -> str | None:
    """The UCUM code of a Quantity: its `code` when the system is UCUM (or unstated), else None."""
    if quantity_value.system not in (None, UCUM):
        return None
    code = quantity_value.code or quantity_value.unit
    return None if code is None else str(code)


def _in_base(quantity: Quantity, value: Any) -> tuple[Decimal, Unit] | None:
    if value is None or value.value is None:
        return None
    unit = unit_of(quantity, _unit_code(value))
    if unit is None:
        return None
    return unit.to_base(Decimal(value.value)), unit


def _ratio(value: Decimal, limit: Decimal) -> Decimal:
    return (value / limit).quantize(RATIO_STEP, rounding=ROUND_CEILING)


def _number(value: Decimal) -> Decimal:
    return value.normalize() if value == value.to_integral() else value


def _get(data: Json, path: str) -> object:
    node: object = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _put(data: Json, path: str, value: object) -> None:
    *parents, last = path.split(".")
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[last] = value


class _Reader:
    def __init__(self, operation: str, given: Json) -> None:
        self.operation = operation
        self.given = given
        self.input: Json = _copy(given)
        self.sources: list[Json] = []
        self.not_used: list[Json] = []
        self.errors: list[FieldError] = []

    def skip(self, where: str, reason: str, code: str | None = None) -> None:
        self.not_used.append({"resource": where, "code": code, "reason": reason})

    def targets(self) -> dict[Quantity, str]:
        if self.operation != "grade":
            return OPERATION_FIELDS[self.operation]
        quantity = TERM_QUANTITY.get(str(self.given.get("term")))
        return {} if quantity is None else {quantity: "value"}

    def read(self, bundle: Any) -> None:
        targets = self.targets()
        candidates: dict[Quantity, list[_Candidate]] = {}
        for index, entry in enumerate(bundle.entry or []):
            where = f"bundle.entry[{index}].resource"
            resource = entry.resource
            if resource is None or resource.get_resource_type() != "Observation":
                kind = "nothing" if resource is None else resource.get_resource_type()
                self.skip(where, f"a {kind} entry, not an Observation")
                continue
            code, seen = _loinc_code(resource)
            if code is None:
                self.skip(
                    where, f"no LOINC code this service reads (codes given: {', '.join(seen) or 'none'})"
                )
                continue
            if resource.status not in USABLE_STATUSES:
                self.skip(
                    where,
                    f"status {resource.status}: only final, amended or corrected results are read",
                    code.code,
                )
                continue
            if code.quantity not in targets:
                self.skip(where, f"{code.display} is not an input of {self.operation}", code.code)
                continue
            candidates.setdefault(code.quantity, []).append(
                _Candidate(where, resource, code, _moment(resource))
            )
        for quantity, field in targets.items():
            found = candidates.get(quantity, [])
            if found:
                self.use(quantity, field, found)

    def use(self, quantity: Quantity, field: str, found: list[_Candidate]) -> None:
        if _get(self.given, field) is not None:
            for candidate in found:
                self.skip(
                    candidate.where, f"input.{field} was given and is used instead", candidate.code.code
                )
            return
        undated = [c for c in found if c.moment is None]
        if undated and len(found) > 1:
            self.errors.append(
                {
                    "field": f"{undated[0].where}.effectiveDateTime",
                    "message": f"has no date, so the most recent of {len(found)} {quantity.value} results "
                    "cannot be told; give the date or leave out the older results",
                }
            )
            return
        latest = max(found, key=lambda c: c.moment or dt.datetime.min.replace(tzinfo=dt.UTC))
        for older in found:
            if older is not latest:
                self.skip(older.where, f"a more recent result is used ({latest.where})", older.code.code)
        self.convert(quantity, field, latest)

    def convert(self, quantity: Quantity, field: str, chosen: _Candidate) -> None:
        observation = chosen.observation
        family = FAMILIES[quantity]
        value = observation.valueQuantity
        if value is None or value.value is None:
            self.errors.append(
                {
                    "field": f"{chosen.where}.valueQuantity",
                    "message": f"the most recent {chosen.code.display} has no numeric value "
                    "(an older result is not used in its place)",
                }
            )
            return
        based = _in_base(quantity, value)
        if based is None:
            known = ", ".join(sorted(family.units))
            self.errors.append(
                {
                    "field": f"{chosen.where}.valueQuantity.code",
                    "message": f"unit {_unit_code(value)!r} (system {value.system or 'none'}) is not one "
                    f"this service converts for {chosen.code.display}; UCUM codes read: {known}",
                }
            )
            return
        base_value, unit = based
        low, high = self.reference_range(quantity, observation)
        source: Json = {
            "field": field,
            "resource": chosen.where,
            "code": chosen.code.code,
            "display": chosen.code.display,
            "value": Decimal(value.value),
            "unit": unit.code,
            "converted_value": _number(base_value),
            "converted_unit": family.base,
            "conversion": _conversion(Decimal(value.value), unit, base_value, family.base),
            "reference_low": low,
            "reference_high": high,
            "date": None if chosen.moment is None else chosen.moment.isoformat(),
        }
        if self.operation == "grade":
            self.fill_grade(quantity, source, base_value, low, high, chosen)
            return
        if family.ratio_to_uln:
            if high is None:
                self.errors.append(
                    {
                        "field": f"{chosen.where}.referenceRange",
                        "message": f"{chosen.code.display} needs its upper limit of normal to be read as a "
                        f"multiple of ULN: add referenceRange.high, or give input.{field}",
                    }
                )
                return
            ratio = _ratio(base_value, high)
            source.update(
                converted_value=ratio,
                converted_unit="× ULN",
                conversion=f"{source['conversion']}; ÷ ULN {show(high)} {family.base} = {show(ratio)} × ULN "
                "(rounded up)",
            )
            _put(self.input, field, ratio)
        else:
            _put(self.input, field, _number(base_value))
        self.sources.append(source)

    def fill_grade(
        self,
        quantity: Quantity,
        source: Json,
        base_value: Decimal,
        low: Decimal | None,
        high: Decimal | None,
        chosen: _Candidate,
    ) -> None:
        family = FAMILIES[quantity]
        if family.ratio_to_uln:
            if high is None and self.given.get("uln") is None:
                self.errors.append(
                    {
                        "field": f"{chosen.where}.referenceRange",
                        "message": f"{chosen.code.display} needs its upper limit of normal to be graded: add "
                        f"referenceRange.high, or give input.uln in {family.base}",
                    }
                )
                return
            if high is not None and self.given.get("uln") is None:
                _put(self.input, "uln", _number(high))
        elif (
            quantity in (Quantity.ANC, Quantity.PLATELETS)
            and low is not None
            and self.given.get("lln") is None
        ):
            _put(self.input, "lln", _number(low))
        _put(self.input, "value", _number(base_value))
        self.sources.append(source)

    def reference_range(self, quantity: Quantity, observation: Any) -> tuple[Decimal | None, Decimal | None]:
        for reference in observation.referenceRange or []:
            low = _in_base(quantity, reference.low)
            high = _in_base(quantity, reference.high)
            if low is not None or high is not None:
                return (None if low is None else _number(low[0]), None if high is None else _number(high[0]))
        return None, None


def _conversion(value: Decimal, unit: Unit, base_value: Decimal, base: str) -> str:
    step = unit.arithmetic()
    if not step:
        return f"{show(value)} {unit.text}"
    return f"{show(value)} {unit.text} {step} = {show(base_value)} {base}"


def _copy(data: Json) -> Json:
    return {key: _copy(value) if isinstance(value, dict) else value for key, value in data.items()}


def extract(operation: str, bundle: object, given: object) -> Extraction:
    """The operation's input built from `given` and the Bundle's Observations, or InvalidInput."""
    if operation not in OPERATION_FIELDS:
        readable = ", ".join(OPERATION_FIELDS)
        raise InvalidInput(
            [{"field": "operation", "message": f"{operation} reads no Observations; use one of {readable}"}]
        )
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise InvalidInput(
            [{"field": "input", "message": "must be a JSON object of the operation's other fields"}]
        )
    parsed = parse_bundle(bundle)
    reader = _Reader(operation, given)
    reader.read(parsed)
    if reader.errors:
        raise InvalidInput(reader.errors)
    return Extraction(reader.input, reader.sources, reader.not_used)
