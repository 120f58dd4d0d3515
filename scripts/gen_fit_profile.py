"""Generate `src/progrun/formats/fit_profile.py`: the subset of the FIT profile progrun's FIT reader uses.

The source of truth is Garmin's `garmin_fit_sdk.Profile` (the official SDK, installed as a dependency).
Run it again after upgrading garmin-fit-sdk:

    .venv/bin/python scripts/gen_fit_profile.py
"""

from __future__ import annotations

import pprint
import subprocess
import sys
from pathlib import Path

from garmin_fit_sdk import Profile
from garmin_fit_sdk import fit as sdk_fit

OUT = Path(__file__).resolve().parent.parent / "src" / "progrun" / "formats" / "fit_profile.py"

#: message name -> the fields of it we decode
MESSAGES: dict[str, tuple[str, ...]] = {
    "file_id": ("type", "manufacturer", "product", "serial_number", "time_created", "product_name"),
    "device_info": ("timestamp", "device_index", "manufacturer", "product", "product_name"),
    "record": (
        "timestamp",
        "position_lat",
        "position_long",
        "altitude",
        "heart_rate",
        "cadence",
        "distance",
        "speed",
        "power",
        "compressed_speed_distance",
        "fractional_cadence",
        "enhanced_speed",
        "enhanced_altitude",
    ),
    "event": ("timestamp", "event", "event_type", "data", "event_group"),
    "lap": (
        "message_index",
        "timestamp",
        "event",
        "event_type",
        "start_time",
        "total_elapsed_time",
        "total_timer_time",
        "total_distance",
        "intensity",
        "lap_trigger",
        "sport",
        "sub_sport",
        "wkt_step_index",
    ),
    "session": (
        "message_index",
        "timestamp",
        "event",
        "event_type",
        "start_time",
        "sport",
        "sub_sport",
        "total_elapsed_time",
        "total_timer_time",
        "total_distance",
        "first_lap_index",
        "num_laps",
    ),
    "activity": (
        "timestamp",
        "total_timer_time",
        "num_sessions",
        "type",
        "event",
        "event_type",
        "local_timestamp",
    ),
    "workout": ("message_index", "sport", "num_valid_steps", "wkt_name", "sub_sport"),
    "workout_step": (
        "message_index",
        "wkt_step_name",
        "duration_type",
        "duration_value",
        "target_type",
        "target_value",
        "custom_target_value_low",
        "custom_target_value_high",
        "intensity",
    ),
    "timestamp_correlation": ("timestamp", "system_timestamp", "local_timestamp"),
    "developer_data_id": ("developer_data_index",),
    "field_description": ("developer_data_index", "field_definition_number", "fit_base_type_id"),
    "sport": ("sport", "sub_sport", "name"),
}

ENUMS = (
    "file",
    "manufacturer",
    "garmin_product",
    "sport",
    "sub_sport",
    "lap_trigger",
    "event",
    "event_type",
    "intensity",
    "wkt_step_duration",
    "wkt_step_target",
    "session_trigger",
)

_NUMPY_KIND = {
    "enum": "u1",
    "sint8": "i1",
    "uint8": "u1",
    "sint16": "i2",
    "uint16": "u2",
    "sint32": "i4",
    "uint32": "u4",
    "string": "u1",
    "float32": "f4",
    "float64": "f8",
    "uint8z": "u1",
    "uint16z": "u2",
    "uint32z": "u4",
    "byte": "u1",
    "sint64": "i8",
    "uint64": "u8",
    "uint64z": "u8",
}

#: The raw invalid value of each base type, read as an unsigned integer of the type's size
#: (floats: all bits set; *z types and string: 0).
_INVALID_BITS = {
    "enum": 0xFF,
    "sint8": 0x7F,
    "uint8": 0xFF,
    "sint16": 0x7FFF,
    "uint16": 0xFFFF,
    "sint32": 0x7FFFFFFF,
    "uint32": 0xFFFFFFFF,
    "string": 0x00,
    "float32": 0xFFFFFFFF,
    "float64": 0xFFFFFFFFFFFFFFFF,
    "uint8z": 0x00,
    "uint16z": 0x0000,
    "uint32z": 0x00000000,
    "byte": 0xFF,
    "sint64": 0x7FFFFFFFFFFFFFFF,
    "uint64": 0xFFFFFFFFFFFFFFFF,
    "uint64z": 0x0,
}


def main() -> None:
    version = Profile["version"]
    base_types: dict[int, tuple[str, int, str, int]] = {}
    for name, number in sdk_fit.BASE_TYPE.items():
        definition = sdk_fit.BASE_TYPE_DEFINITIONS[number]
        type_name = name.lower()
        base_types[number] = (
            type_name,
            int(definition["size"]),
            _NUMPY_KIND[type_name],
            _INVALID_BITS[type_name],
        )
    mesg_nums: dict[str, int] = {}
    fields: dict[str, dict[str, tuple[int, str, float, float]]] = {}
    by_name = {m["name"]: (int(num), m) for num, m in Profile["messages"].items()}
    for mesg_name, wanted in MESSAGES.items():
        number, mesg = by_name[mesg_name]
        mesg_nums[mesg_name] = number
        table: dict[str, tuple[int, str, float, float]] = {}
        profile_fields = {f["name"]: f for f in mesg["fields"].values()}
        for field_name in wanted:
            field = profile_fields[field_name]
            scale = field["scale"][0] if len(field["components"]) <= 1 else 1
            offset = field["offset"][0] if len(field["components"]) <= 1 else 0
            table[field_name] = (int(field["num"]), field["base_type"], float(scale), float(offset))
        fields[mesg_name] = table
    enums = {name: {int(k): v for k, v in Profile["types"][name].items()} for name in ENUMS}

    text = f'''"""The subset of the FIT profile that progrun's FIT reader uses.

GENERATED by scripts/gen_fit_profile.py from garmin_fit_sdk.Profile {version["major"]}.{version["minor"]}.
Do not edit by hand: change the script and run it again.
"""

from __future__ import annotations

from typing import Final, NamedTuple

PROFILE_VERSION: Final = "{version["major"]}.{version["minor"]}"


class BaseType(NamedTuple):
    """A FIT base type: name, size in bytes, numpy kind (no byte order), raw invalid value."""

    name: str
    size: int
    kind: str
    invalid: int


class Field(NamedTuple):
    """A profile field: number, base type name, scale and offset (value = raw / scale - offset)."""

    num: int
    base_type: str
    scale: float
    offset: float


#: base type number (low 5 bits of the definition byte) -> BaseType
BASE_TYPES: Final[dict[int, BaseType]] = {{
'''
    for number, (name, size, kind, invalid) in sorted(base_types.items()):
        text += f"    {number}: BaseType({name!r}, {size}, {kind!r}, {invalid:#x}),\n"
    text += "}\n\n#: message name -> global message number\n"
    text += f"MESG_NUM: Final[dict[str, int]] = {pprint.pformat(mesg_nums, width=110, sort_dicts=False)}\n\n"
    text += "#: message name -> field name -> Field\nFIELDS: Final[dict[str, dict[str, Field]]] = {\n"
    for mesg_name, table in fields.items():
        text += f"    {mesg_name!r}: {{\n"
        for field_name, (num, base, scale, offset) in table.items():
            text += f"        {field_name!r}: Field({num}, {base!r}, {scale!r}, {offset!r}),\n"
        text += "    },\n"
    # The enum tables (mostly Garmin product names) are packed several entries to a line, outside the
    # formatter, so the generated module stays short enough to read.
    text += "}\n\n#: profile type name -> raw value -> name\n# fmt: off\n"
    text += "ENUMS: Final[dict[str, dict[int, str]]] = {\n"
    for name, values in enums.items():
        text += f"    {name!r}: {{\n"
        line = "       "
        for raw, value_name in values.items():
            entry = f" {raw}: {value_name!r},"
            if len(line) + len(entry) > 110:
                text += line + "\n"
                line = "       "
            line += entry
        text += line + "\n    },\n"
    text += "}\n# fmt: on\n"
    OUT.write_text(text)
    # House style (double quotes, wrapping) comes from the project's formatter.
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", str(OUT)], check=True)
    print(f"wrote {OUT} ({len(text.splitlines())} lines)")


if __name__ == "__main__":
    main()
